using System.Diagnostics;
using System.Text.Json;

namespace LensSweep.Bench;

/// <summary>Runs one of the reference scripts (PyTorch, Optuna) under Debian's Python and reads the JSON line it
/// prints last; a failure is said on the console, with the script's stderr, and gives null.</summary>
internal static class PythonReference
{
    public const string Python = "/usr/bin/python3";

    /// <summary>bench/reference/<paramref name="name"/>, found upwards from the binary; null when not there.</summary>
    public static string? FindScript(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "reference", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static ProcessStartInfo StartInfo(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <param name="what">Names the reference in the failure line, e.g. "Optuna reference".</param>
    public static JsonElement? Run(ProcessStartInfo start, string what)
    {
        ArgumentNullException.ThrowIfNull(start);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
        {
            Console.WriteLine($"  {what} failed (exit {process.ExitCode}); continuing without it: {stderr.GetAwaiter().GetResult().Trim()}");
            return null;
        }

        using var json = JsonDocument.Parse(line);
        return json.RootElement.Clone();
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace LensSweep.Bench;

/// <summary>
/// The one home of what the benchmarks need to run a reference script (PyTorch, Optuna, scikit-learn) under
/// Debian's Python: where the interpreter is, where a repository or shared file is, whether the modules a script
/// needs import, and running it. A failure is said on the console, with the script's stderr, and gives null.
/// </summary>
internal static class PythonReference
{
    public const string Python = "/usr/bin/python3";

    /// <summary><paramref name="relativePath"/> in the nearest folder above the binary that has it (the
    /// repository's own files, or shared/bench/... beside the lead's checkout); null when none has.</summary>
    public static string? FindAbove(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>bench/reference/<paramref name="name"/>, found upwards from the binary; null when not there.</summary>
    public static string? FindScript(string name) => FindAbove(Path.Combine("bench", "reference", name));

    /// <summary>../shared/bench/<paramref name="name"/> (the reference benchmarks beside the checkout); null when not there.</summary>
    public static string? FindShared(string name) => FindAbove(Path.Combine("shared", "bench", name));

    /// <summary>Whether <see cref="Python"/> exists and imports <paramref name="modules"/> ("numpy, torch").</summary>
    public static bool Has(string modules)
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", $"import {modules}"]) { RedirectStandardOutput = true, RedirectStandardError = true });
        if (process is null)
        {
            return false;
        }

        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
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

    /// <summary>Runs the script with its output on this console (a script that prints its own comparison); its exit code.</summary>
    public static int RunToConsole(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = false;
        start.RedirectStandardError = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        process.WaitForExit();
        return process.ExitCode;
    }
}

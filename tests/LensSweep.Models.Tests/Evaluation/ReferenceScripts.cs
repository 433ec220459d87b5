using System.Diagnostics;
using System.Text.Json;

namespace LensSweep.Models.Tests.Evaluation;

/// <summary>The reference scripts' tests' one way to find Debian's Python, the modules it imports, a file above
/// the test binary, and to run a script: the tests that use them skip, saying why, where any is missing.</summary>
internal static class ReferenceScripts
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Whether <see cref="Python"/> exists and imports <paramref name="modules"/> ("numpy, torch").</summary>
    public static bool PythonHas(string modules)
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        var start = new ProcessStartInfo(Python, ["-c", $"import {modules}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    /// <summary><paramref name="relativePath"/> in the nearest folder above the test binary that has it, or null.</summary>
    public static string? FindAbove(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, relativePath)))
            {
                return Path.Combine(dir.FullName, relativePath);
            }
        }

        return null;
    }

    /// <summary>A file of this repository (found by LensSweep.sln above the test binary).</summary>
    public static string RepositoryFile(string relativePath) =>
        Path.Combine(Path.GetDirectoryName(FindAbove("LensSweep.sln") ?? throw new DirectoryNotFoundException("LensSweep.sln not found above the test output folder."))!, relativePath);

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> and returns the JSON of its last line,
    /// failing the test (with its stderr) when it exits non-zero.</summary>
    public static JsonElement Run(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stderr.Result}");
        using var json = JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last());
        return json.RootElement.Clone();
    }
}

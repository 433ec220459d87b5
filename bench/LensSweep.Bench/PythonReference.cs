using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace LensSweep.Bench;

/// <summary>
/// The one home of what the benchmarks and the reference-script tests need to run a reference script (PyTorch,
/// Optuna, scikit-learn) under Debian's Python: where the interpreter is, where a repository or shared file is,
/// why a script cannot run (no interpreter, a module it cannot import, no script), running it, and what a failed
/// run says (its exit code and the tail of its stderr). LensSweep.Models.Tests compiles this file in.
/// </summary>
internal static class PythonReference
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The exit code of a reference that could not be started (no interpreter, module or script).</summary>
    public const int CannotRun = 3;

    /// <summary>How many of a failed script's last stderr lines its failure message quotes.</summary>
    public const int StderrTailLines = 15;

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

    /// <summary>Why <paramref name="python"/> cannot run a script needing <paramref name="modules"/> ("numpy, torch"):
    /// null when it exists and imports each; else <c>python missing: …</c> or <c>torch missing: …</c> (every module
    /// it cannot import, each with its Debian package).</summary>
    public static string? Unavailable(string modules, string python = Python)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var names = modules.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!File.Exists(python))
        {
            return $"python missing: {python} does not exist (install Debian's python3 and {Packages(names)})";
        }

        var missing = names.Where(m => Execute(Start(python, "-c", $"import {m}")).ExitCode != 0).ToList();
        return missing.Count == 0
            ? null
            : $"{string.Join(", ", missing)} missing: {python} cannot import {string.Join(", ", missing)} (install Debian's {Packages(missing)})";
    }

    /// <summary>Whether <see cref="Python"/> exists and imports <paramref name="modules"/> ("numpy, torch").</summary>
    public static bool Has(string modules) => Unavailable(modules) is null;

    public static ProcessStartInfo StartInfo(string script, params string[] arguments) => Start(Python, [script, .. arguments]);

    /// <summary>What a finished run gave: its exit code and everything it wrote.</summary>
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>The last <see cref="StderrTailLines"/> non-empty lines of stderr.</summary>
        public string StderrTail => string.Join('\n', Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(StderrTailLines)).Trim();

        /// <summary><paramref name="what"/> failed, with the exit code and <see cref="StderrTail"/>.</summary>
        public string Failure(string what) => $"{what} failed (exit {ExitCode}): {(StderrTail.Length > 0 ? StderrTail : "nothing on stderr")}";
    }

    /// <summary>Runs <paramref name="start"/> to its end, both streams captured; with <paramref name="echo"/> each stdout
    /// line is also written to this console as it comes (a script that prints its own progress).</summary>
    public static Outcome Execute(ProcessStartInfo start, bool echo = false)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new StringBuilder();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            stdout.Append(line).Append('\n');
            if (echo)
            {
                Console.WriteLine(line);
            }
        }

        process.WaitForExit();
        return new Outcome(process.ExitCode, stdout.ToString(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs bench/reference/<paramref name="scriptName"/> under <paramref name="python"/>: its outcome with exit
    /// code 0 and no failure, or a non-zero exit code (<see cref="CannotRun"/> when it could not start) and the one
    /// line that says why: <c>python missing</c>, <c>{module} missing</c>, <c>script missing</c>, or the script's
    /// failure with the tail of its stderr.</summary>
    public static (int ExitCode, string? Failure, Outcome? Outcome) RunReference(
        string scriptName, string modules, string python, bool echo, params string[] arguments)
    {
        if (Unavailable(modules, python) is { } unavailable)
        {
            return (CannotRun, unavailable, null);
        }

        if (FindScript(scriptName) is not { } script)
        {
            return (CannotRun, $"script missing: bench/reference/{scriptName} is not in any folder above {AppContext.BaseDirectory}", null);
        }

        var outcome = Execute(Start(python, [script, .. arguments]), echo);
        return outcome.ExitCode == 0 ? (0, null, outcome) : (outcome.ExitCode, outcome.Failure(scriptName), outcome);
    }

    /// <summary>The JSON object a script printed as its last line starting with '{'; null when it printed none.</summary>
    public static JsonElement? LastJson(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (line is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(line);
        return json.RootElement.Clone();
    }

    /// <param name="what">Names the reference in the failure line, e.g. "Optuna reference".</param>
    public static JsonElement? Run(ProcessStartInfo start, string what)
    {
        var outcome = Execute(start);
        var json = outcome.ExitCode == 0 ? LastJson(outcome.Stdout) : null;
        if (json is null)
        {
            Console.WriteLine($"  {(outcome.ExitCode != 0 ? outcome.Failure(what) : $"{what} printed no JSON line")}; continuing without it");
        }

        return json;
    }

    private static ProcessStartInfo Start(string python, params string[] arguments)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static string Packages(IEnumerable<string> modules) => string.Join(", ", modules.Select(m => $"python3-{m}"));
}

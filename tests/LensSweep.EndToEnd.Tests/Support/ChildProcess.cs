using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LensSweep.EndToEnd.Tests.Support;

/// <summary>
/// A process the tests started, its stdout and stderr copied line by line to a log file and kept in memory so a
/// test can wait for a line. Disposing kills it (and its children) if it still runs.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _stdout = [];
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="fileName"/> with its output going to <c>{logFolder}/{name}.log</c>.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string logFolder, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
            WorkingDirectory = logFolder,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        // The test runner's own LENSSWEEP_ settings, if any, must not leak into the processes under test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("LENSSWEEP_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(name, process, Path.Combine(logFolder, $"{name}.log"));
        process.OutputDataReceived += (_, e) => child.Append(e.Data, child._stdoutClosed, isStdout: true);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data, child._stderrClosed, isStdout: false);
        if (!process.Start())
            throw new InvalidOperationException($"could not start {fileName}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Every line so far, stdout and stderr interleaved as they arrived.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    /// <summary>Standard output alone (what a script would parse).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_lines)
                return string.Join('\n', _stdout);
        }
    }

    public int LineCount
    {
        get
        {
            lock (_lines)
                return _lines.Count;
        }
    }

    /// <summary>The last lines of output, for assertion messages.</summary>
    public string Tail(int lines = 40)
    {
        var all = Lines;
        var exit = _process.HasExited ? $", exited {_process.ExitCode}" : "";
        return $"--- {Name} ({LogPath}{exit}), last {Math.Min(lines, all.Count)} of {all.Count} lines ---\n"
            + string.Join('\n', all.Skip(Math.Max(0, all.Count - lines)));
    }

    /// <summary>The first match of <paramref name="pattern"/> in lines from <paramref name="fromLine"/> on, waiting for it; null when the time runs out or the process exits first.</summary>
    public async Task<Match?> WaitForLineAsync(Regex pattern, TimeSpan within, int fromLine = 0)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (FindLine(pattern, fromLine) is { } match)
                return match;
            if (_process.HasExited)
                return FindLine(pattern, fromLine);
            if (DateTime.UtcNow > deadline)
                return null;
            await Task.Delay(50);
        }
    }

    public Match? FindLine(Regex pattern, int fromLine = 0)
    {
        foreach (var line in Lines.Skip(fromLine))
        {
            if (pattern.Match(line) is { Success: true } match)
                return match;
        }
        return null;
    }

    public IReadOnlyList<Match> FindLines(Regex pattern, int fromLine = 0) =>
        Lines.Skip(fromLine).Select(l => pattern.Match(l)).Where(m => m.Success).ToList();

    /// <summary>Sends a POSIX signal (KILL, TERM) the way an operator or Kubernetes would.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]) ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
    }

    /// <summary>Waits for exit and for the last of its output; false if it still runs after <paramref name="within"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            return _process.HasExited;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        lock (_lines)
            _log.Dispose();
    }

    private void Append(string? line, TaskCompletionSource closed, bool isStdout)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }
        lock (_lines)
        {
            _lines.Add(line);
            if (isStdout)
                _stdout.Add(line);
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives after dispose only goes to memory.
            }
        }
    }
}

using System.Diagnostics;
using System.Text;

namespace LensSweep.Silo.Tests.Support;

/// <summary>
/// A real Azurite (blob and table) on 127.0.0.1 and free ports, with its data in a temporary folder; killed on dispose.
/// Where Azurite cannot start, the tests that need it skip with the reason (they are [SkippableFact]s and read
/// <see cref="ConnectionString"/>, which skips them).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Process? _process;
    private readonly StringBuilder _output = new();
    private string? _dataDir;
    private string? _connectionString;

    /// <summary>Why Azurite is not running, or null when it is.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The connection string to blob and table; skips the calling test where Azurite could not start.</summary>
    public string ConnectionString
    {
        get
        {
            Skip.If(Unavailable is not null, Unavailable);
            return _connectionString!;
        }
    }

    public AzuritePorts Ports { get; private set; } = AzuritePorts.Free();

    public async Task InitializeAsync()
    {
        if (AzuriteCommand.NotInstalled() is { } notInstalled)
        {
            Unavailable = notInstalled;
            return;
        }
        _dataDir = Directory.CreateTempSubdirectory("lenssweep-azurite-").FullName;
        var start = new ProcessStartInfo(AzuriteCommand.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in AzuriteCommand.Arguments(Ports, _dataDir))
            start.ArgumentList.Add(arg);
        _process = Process.Start(start);
        if (_process is null)
        {
            Unavailable = $"could not start {AzuriteCommand.Executable}";
            return;
        }
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        foreach (var port in new[] { Ports.Blob, Ports.Table })
        {
            if (!await FreePort.WaitUntilOpenAsync(port, TimeSpan.FromSeconds(30), () => !_process.HasExited))
            {
                string output;
                lock (_output) output = _output.ToString();
                Unavailable = $"Azurite did not open port {port} within 30 s (exited: {_process.HasExited}). Output:\n{output}";
                return;
            }
        }
        _connectionString = AzuriteCommand.ConnectionString(Ports);
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        if (_dataDir is not null)
        {
            try { Directory.Delete(_dataDir, recursive: true); }
            catch (IOException) { /* Azurite may still hold a file for a moment; the temp folder is harmless */ }
        }
        return Task.CompletedTask;
    }

    /// <summary>A fresh container name per test keeps tests independent on one Azurite.</summary>
    public static string NewContainerName(string purpose) => $"{purpose}-{Guid.NewGuid():N}"[..Math.Min(63, purpose.Length + 33)];
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}

using System.Diagnostics;
using System.Text;

namespace LensSweep.Silo.Tests.Support;

/// <summary>
/// A real Azurite blob service on 127.0.0.1 and a free port, with its data in a temporary folder; killed on dispose.
/// Installed by `bash scripts/setup.sh --tests` into .tools/azurite of the repository.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // Azurite's fixed, publicly documented development account; not a secret.
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;
    private readonly StringBuilder _output = new();
    private string? _dataDir;

    public string ConnectionString { get; private set; } = "";

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        var azurite = Path.Combine(RepoRoot.Path, ".tools", "azurite", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `bash scripts/setup.sh --tests` in {RepoRoot.Path}");
        Port = FreePort.Next();
        _dataDir = Directory.CreateTempSubdirectory("lenssweep-azurite-").FullName;
        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--location", _dataDir, "--skipApiVersionCheck", "--loose", "--silent" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {azurite}");
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!await FreePort.WaitUntilOpenAsync(Port, TimeSpan.FromSeconds(30), () => !_process.HasExited))
        {
            string output;
            lock (_output) output = _output.ToString();
            throw new InvalidOperationException($"Azurite did not open port {Port} within 30 s (exited: {_process.HasExited}). Output:\n{output}");
        }
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};BlobEndpoint=http://127.0.0.1:{Port}/{DevAccount};";
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

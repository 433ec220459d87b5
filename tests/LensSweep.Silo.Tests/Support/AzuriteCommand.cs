namespace LensSweep.Silo.Tests.Support;

/// <summary>
/// How the tests run Azurite (installed into .tools/azurite by `bash scripts/setup.sh --tests`): blob and table services
/// (and the queue service, which Azurite's combined command always opens) on 127.0.0.1, and the connection string to both.
/// </summary>
public static class AzuriteCommand
{
    // Azurite's fixed, publicly documented development account; not a secret.
    public const string Account = "devstoreaccount1";
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string Executable { get; } = Path.Combine(RepoRoot.Path, ".tools", "azurite", "node_modules", ".bin", "azurite");

    /// <summary>Why Azurite cannot run here, or null when it is installed.</summary>
    public static string? NotInstalled() =>
        File.Exists(Executable) ? null : $"Azurite is not installed at {Executable}: run `bash scripts/setup.sh --tests` in {RepoRoot.Path}";

    public static IReadOnlyList<string> Arguments(AzuritePorts ports, string dataFolder) =>
    [
        "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(),
        "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(),
        "--tableHost", "127.0.0.1", "--tablePort", ports.Table.ToString(),
        "--location", dataFolder, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
    ];

    /// <summary>A connection string to both services, signed with <paramref name="key"/> (a wrong key makes a refused one).</summary>
    public static string ConnectionString(AzuritePorts ports, string key = Key) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};"
        + $"BlobEndpoint=http://127.0.0.1:{ports.Blob}/{Account};TableEndpoint=http://127.0.0.1:{ports.Table}/{Account};";
}

public sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    public static AzuritePorts Free() => new(FreePort.Next(), FreePort.Next(), FreePort.Next());
}

using LensSweep.Client.Cluster;

namespace LensSweep.Client;

/// <summary>
/// The engine behind the console. Commands that need a part left null are not offered, so a build
/// without an engine never shows a command that cannot work. Tests pass in-memory fakes.
/// </summary>
public sealed record CliServices
{
    /// <summary>Joins a running cluster: the <c>study</c>, <c>leaderboard</c> and <c>cluster</c> commands.</summary>
    public IStudyClusterConnector? Cluster { get; init; }

    /// <summary>Starts a cluster inside this process: <c>lenssweep run</c>.</summary>
    public IEmbeddedClusterLauncher? Embedded { get; init; }

    /// <summary>This machine's CPU cores: the most CPU slots <c>lenssweep run --slots</c> accepts.</summary>
    public int ProcessorCount { get; init; } = System.Environment.ProcessorCount;

    /// <summary>Reads an environment variable ($LENSSWEEP_CLUSTER, $LENSSWEEP_CLUSTERID, …); tests pass their own.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}

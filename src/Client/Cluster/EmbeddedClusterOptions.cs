using System.Net;

namespace LensSweep.Client.Cluster;

/// <summary>A one-machine cluster inside the console process, for <c>lenssweep run</c>.</summary>
/// <param name="OutputFolder">Holds the study's grain state, checkpoints and results, so re-running with the
/// same folder continues where an interrupted run stopped.</param>
/// <param name="Slots">Device slots the silo advertises (<c>cuda:0..N-1</c> with GPUs, else <c>cpu:0..N-1</c>);
/// null lets the launcher choose from the machine's devices.</param>
/// <param name="RepairState">Start from a damaged state log by keeping what precedes the damage.</param>
/// <param name="StudyPage">Where to serve the study page while the cluster runs; null serves none.</param>
public sealed record EmbeddedClusterOptions(string OutputFolder, int? Slots, bool RepairState = false, StudyPageAddress? StudyPage = null);

/// <param name="Token">When set, the page wants it as a bearer token or <c>?token=</c>.</param>
public sealed record StudyPageAddress(IPEndPoint Endpoint, string? Token);

/// <summary>Starts a single silo in this process and returns the cluster it forms.</summary>
public interface IEmbeddedClusterLauncher
{
    Task<IStudyCluster> StartAsync(EmbeddedClusterOptions options, CancellationToken cancellationToken);
}

namespace LensSweep.Client.Cluster;

/// <summary>Joins a running cluster through its gateways.</summary>
public interface IStudyClusterConnector
{
    /// <exception cref="CliInputException">No gateway of <paramref name="target"/> answered within its connect timeout.</exception>
    Task<IStudyCluster> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken);
}

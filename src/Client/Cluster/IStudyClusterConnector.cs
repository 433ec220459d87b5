namespace LensSweep.Client.Cluster;

/// <summary>Joins a running cluster at a gateway address.</summary>
public interface IStudyClusterConnector
{
    /// <exception cref="CliInputException">Nothing answered at <paramref name="address"/>.</exception>
    Task<IStudyCluster> ConnectAsync(ClusterAddress address, CancellationToken cancellationToken);
}

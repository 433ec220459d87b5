using LensSweep.Client.Cluster;

namespace LensSweep.Client.Engine;

/// <summary>Joins a running cluster as an Orleans client and talks to its grains.</summary>
public sealed class OrleansClusterConnector : IStudyClusterConnector
{
    public async Task<IStudyCluster> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        var connection = await ClusterConnection.ConnectAsync(target, cancellationToken);
        return new OrleansStudyCluster(connection.Client, connection.DisposeAsync);
    }
}

using LensSweep.Client.Cluster;

namespace LensSweep.Client.Engine;

/// <summary>Joins a running cluster as an Orleans client and talks to its grains.</summary>
public sealed class OrleansClusterConnector(ClusterConnectionOptions? options = null) : IStudyClusterConnector
{
    private readonly ClusterConnectionOptions _options = options ?? new ClusterConnectionOptions();

    public async Task<IStudyCluster> ConnectAsync(ClusterAddress address, CancellationToken cancellationToken)
    {
        var connection = await ClusterConnection.ConnectAsync(address, _options, cancellationToken);
        return new OrleansStudyCluster(connection.Client, connection.DisposeAsync);
    }
}

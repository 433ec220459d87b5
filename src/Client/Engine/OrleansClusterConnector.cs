using LensSweep.Client.Cluster;

namespace LensSweep.Client.Engine;

/// <summary>Joins a running cluster as an Orleans client and talks to its grains.</summary>
/// <param name="chunkBytes">Bytes of a checkpoint per grain call (<see cref="IStudyCluster.ReadCheckpointAsync"/>); null: the default.</param>
public sealed class OrleansClusterConnector(int? chunkBytes = null) : IStudyClusterConnector
{
    public async Task<IStudyCluster> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        var connection = await ClusterConnection.ConnectAsync(target, cancellationToken);
        return new OrleansStudyCluster(connection.Client, connection.DisposeAsync, chunkBytes: chunkBytes);
    }
}

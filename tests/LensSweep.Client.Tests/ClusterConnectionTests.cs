using System.Net;
using System.Net.Sockets;
using LensSweep.Client.Engine;

namespace LensSweep.Client.Tests;

public sealed class ClusterConnectionTests
{
    [Fact]
    public async Task No_cluster_at_the_address_exits_2_naming_the_address_and_how_to_start_a_silo()
    {
        var address = $"127.0.0.1:{UnusedPort()}";
        var services = new CliServices { Cluster = new OrleansClusterConnector() };

        var (code, _, error) = await CliHarness.RunAsync(services, "study", "show", "quick", "--cluster", address);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"lenssweep: no LensSweep cluster at {address}", error);
        Assert.Contains("lenssweep-silo", error);
        Assert.Contains("lenssweep run", error);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

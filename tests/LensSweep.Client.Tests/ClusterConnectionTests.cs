using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LensSweep.Client.Engine;

namespace LensSweep.Client.Tests;

public sealed class ClusterConnectionTests
{
    private static readonly CliServices Orleans = new() { Cluster = new OrleansClusterConnector() };

    [Fact]
    public async Task No_cluster_at_the_address_exits_2_naming_the_address_and_how_to_start_a_silo()
    {
        var address = $"127.0.0.1:{UnusedPort()}";
        var clock = Stopwatch.StartNew();

        var (code, _, error) = await CliHarness.RunAsync(Orleans, "study", "show", "quick", "--cluster", address);

        Assert.Equal(ExitCodes.BadInput, code);
        // A refused connection means nothing listens there: said at once, not after the 30 s connect timeout.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Contains($"lenssweep: no LensSweep cluster at {address}", error);
        Assert.Contains("lenssweep-silo", error);
        Assert.Contains("lenssweep run", error);
    }

    [Fact]
    public async Task A_command_connects_through_a_live_gateway_when_the_first_listed_is_dead()
    {
        await using var silo = await TestSilo.StartAsync();

        var (code, output, error) = await CliHarness.RunAsync(Orleans, "study", "list", "--cluster", $"127.0.0.1:{UnusedPort()},{silo.Gateway}");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("No studies on the cluster", output);
    }

    [Fact]
    public async Task The_cluster_id_reaches_the_silos_and_a_wrong_one_is_named_in_the_message()
    {
        await using var silo = await TestSilo.StartAsync(clusterId: "lab");

        var (wrong, _, error) = await CliHarness.RunAsync(Orleans, "study", "list", "--cluster", silo.Gateway.ToString(), "--connect-timeout", "3");
        var (right, _, rightError) = await CliHarness.RunAsync(Orleans, "study", "list", "--cluster", silo.Gateway.ToString(), "--cluster-id", "lab");

        Assert.Equal(ExitCodes.BadInput, wrong);
        Assert.Contains($"no LensSweep cluster at {silo.Gateway} (cluster lenssweep)", error);
        Assert.Contains("--cluster-id", error);
        Assert.True(right == ExitCodes.Success, rightError);
    }

    [Fact]
    public async Task A_gateway_that_never_answers_is_reported_after_the_connect_timeout_naming_every_address_tried()
    {
        await using var first = new SlowGateway(target: null, TimeSpan.Zero);
        await using var second = new SlowGateway(target: null, TimeSpan.Zero);
        var clock = Stopwatch.StartNew();

        var (code, _, error) = await CliHarness.RunAsync(Orleans, "study", "list", "--cluster", $"{first.Address},{second.Address}", "--connect-timeout", "2");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Matches($@"no LensSweep cluster at {first.Address}, {second.Address} \(cluster lenssweep\) \(tried for [0-9]+(\.[0-9])? s: ", error);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_gateway_slow_to_answer_as_on_a_busy_machine_is_still_reached()
    {
        // Longer than the 5 s the console used to allow, and Orleans' own 5 s limit on opening a connection.
        TestSilo? silo = null;
        await using var busy = new SlowGateway(() => silo!.Gateway, TimeSpan.FromSeconds(6));
        await using var _ = silo = await TestSilo.StartAsync(gatewayBehind: busy.Address.Port);

        var (code, output, error) = await CliHarness.RunAsync(Orleans, "study", "list", "--cluster", busy.Address.ToString());

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("No studies on the cluster", output);
    }

    [Fact(Skip = "Known gap (infra/README.md, 'The console from a laptop'): the Orleans client does not accept a gateway reached at an address other than the one the silo advertises, so a plain port-forward finds no cluster (30 s timeout).")]
    public async Task A_gateway_forwarded_to_another_address_as_kubectl_port_forward_does_is_reached()
    {
        // The silo advertises its own gateway; the console dials only the forward, as kubectl port-forward would make it.
        await using var silo = await TestSilo.StartAsync();
        await using var forward = new SlowGateway(() => silo.Gateway, TimeSpan.Zero);

        var (code, output, error) = await CliHarness.RunAsync(Orleans, "study", "list", "--cluster", forward.Address.ToString());

        Assert.NotEqual(silo.Gateway, forward.Address);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("No studies on the cluster", output);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

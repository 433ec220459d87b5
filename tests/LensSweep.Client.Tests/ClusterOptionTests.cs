using LensSweep.Client.Cluster;
using LensSweep.Silo.Hosting;

namespace LensSweep.Client.Tests;

/// <summary>Every cluster command takes the gateways, the silos' ids and the connect timeout the same way.</summary>
public sealed class ClusterOptionTests
{
    public static TheoryData<string[]> ClusterCommands() => new()
    {
        new[] { "study", "list" },
        new[] { "study", "show", "quick" },
        new[] { "study", "watch", "quick" },
        new[] { "study", "cancel", "quick" },
        new[] { "study", "start", StudyCommandTests.QuickSpec },
        new[] { "study", "plot", "quick", "--out", Path.Combine(Path.GetTempPath(), $"lenssweep-{Guid.NewGuid():N}.svg") },
        new[] { "leaderboard", "quick" },
        new[] { "cluster", "status" },
    };

    [Theory]
    [MemberData(nameof(ClusterCommands))]
    public async Task Every_cluster_command_takes_the_cluster_and_service_ids_gateways_and_timeout(string[] command)
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        var (code, _, error) = await CliHarness.RunAsync(
            cluster.Services(),
            [.. command, "--cluster", "10.0.0.4:30000,10.0.0.5:30001", "--cluster-id", "lab", "--service-id", "sweeps", "--connect-timeout", "7"]);

        Assert.True(code == ExitCodes.Success, error);
        var target = cluster.ConnectedTo!;
        Assert.Equal(("lab", "sweeps", TimeSpan.FromSeconds(7)), (target.ClusterId, target.ServiceId, target.ConnectTimeout));
        Assert.Equal(["10.0.0.4:30000", "10.0.0.5:30001"], target.Gateways.Select(g => g.ToString()));
    }

    [Fact]
    public async Task Without_options_the_console_uses_the_silos_default_ids_and_a_30_second_timeout()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        await CliHarness.RunAsync(cluster.Services(), "study", "list");

        var silo = new SiloHostOptions();
        Assert.Equal((silo.ClusterId, silo.ServiceId), (cluster.ConnectedTo!.ClusterId, cluster.ConnectedTo.ServiceId));
        Assert.Equal(TimeSpan.FromSeconds(30), cluster.ConnectedTo.ConnectTimeout);
        Assert.Equal([ClusterAddress.Default], cluster.ConnectedTo.Gateways);
    }

    [Fact]
    public void The_id_variables_are_the_ones_the_silo_reads()
    {
        Assert.Equal(SiloConfiguration.EnvironmentPrefix + nameof(SiloHostOptions.ClusterId), ClusterTarget.ClusterIdVariable, ignoreCase: true);
        Assert.Equal(SiloConfiguration.EnvironmentPrefix + nameof(SiloHostOptions.ServiceId), ClusterTarget.ServiceIdVariable, ignoreCase: true);
        Assert.Equal("LENSSWEEP_CLUSTERID", ClusterTarget.ClusterIdVariable);
        Assert.Equal("LENSSWEEP_SERVICEID", ClusterTarget.ServiceIdVariable);
    }

    [Fact]
    public async Task The_ids_and_gateways_come_from_the_environment_when_not_given()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());
        var environment = new Dictionary<string, string>
        {
            ["LENSSWEEP_CLUSTER"] = "10.0.0.4:30000,10.0.0.5:30000",
            ["LENSSWEEP_CLUSTERID"] = "lab",
            ["LENSSWEEP_SERVICEID"] = "sweeps",
        };

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services() with { Environment = environment.GetValueOrDefault }, "study", "list");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(("lab", "sweeps"), (cluster.ConnectedTo!.ClusterId, cluster.ConnectedTo.ServiceId));
        Assert.Equal(["10.0.0.4:30000", "10.0.0.5:30000"], cluster.ConnectedTo.Gateways.Select(g => g.ToString()));
    }

    [Fact]
    public async Task An_option_wins_over_its_environment_variable()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());
        var environment = new Dictionary<string, string> { ["LENSSWEEP_CLUSTERID"] = "lab" };

        await CliHarness.RunAsync(cluster.Services() with { Environment = environment.GetValueOrDefault }, "study", "list", "--cluster-id", "other");

        Assert.Equal("other", cluster.ConnectedTo!.ClusterId);
    }

    [Theory]
    [InlineData("10.0.0.4:30000,", "--cluster has an empty entry in '10.0.0.4:30000,'.")]
    [InlineData("10.0.0.4:30000,10.0.0.5", "--cluster must be host:port, or several separated by commas (e.g. 127.0.0.1:30000,10.0.0.5:30000); '10.0.0.5' is not.")]
    [InlineData("a:1,a:1", "--cluster names a:1 twice.")]
    public async Task A_bad_gateway_list_exits_2_naming_the_entry(string list, string message)
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "list", "--cluster", list);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"lenssweep: {message}", error);
    }

    [Fact]
    public async Task A_cluster_id_with_a_space_exits_2()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "list", "--cluster-id", "my lab");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lenssweep: --cluster-id must be a non-empty name without spaces; got 'my lab'.", error);
    }

    [Theory]
    [InlineData("--cluster")]
    [InlineData("--cluster-id")]
    [InlineData("--service-id")]
    [InlineData("--connect-timeout")]
    [InlineData("--forwarded-to")]
    public async Task Help_explains_each_cluster_option(string option)
    {
        var (_, output, _) = await CliHarness.RunAsync("study", "list", "--help");

        var line = Assert.Single(output.Split('\n'), l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.True(line.Trim().Length > option.Length + 30, line);
    }

    [Fact]
    public async Task The_forwarded_to_gateways_reach_the_connection_paired_in_order_with_the_cluster_entries()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        var (code, _, error) = await CliHarness.RunAsync(
            cluster.Services(), "study", "list", "--cluster", "127.0.0.1:30000,localhost:30001", "--forwarded-to", "10.244.1.7:30000,10.244.2.9:30000");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(["127.0.0.1:30000", "localhost:30001"], cluster.ConnectedTo!.Gateways.Select(g => g.ToString()));
        Assert.Equal(["10.244.1.7:30000", "10.244.2.9:30000"], cluster.ConnectedTo.ForwardedTo!.Select(g => g.ToString()));
    }

    [Fact]
    public async Task Without_forwarded_to_the_gateways_are_dialled_as_given()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        await CliHarness.RunAsync(cluster.Services(), "study", "list", "--cluster", "10.0.0.4:30000");

        Assert.Null(cluster.ConnectedTo!.ForwardedTo);
    }

    [Fact]
    public async Task A_forwarded_to_host_name_is_refused_asking_for_the_ip_the_silo_advertises()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        var (code, _, error) = await CliHarness.RunAsync(
            cluster.Services(), "study", "list", "--cluster", "127.0.0.1:30000", "--forwarded-to", "lenssweep-silo:30000");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lenssweep: --forwarded-to must name the IP address the silo advertises (for a pod, its IP), not a host name: 'lenssweep-silo:30000' is not an IP address", error);
        Assert.Contains("{.status.podIP}", error);
        Assert.Null(cluster.ConnectedTo);
    }

    [Theory]
    [InlineData("127.0.0.1:30000,127.0.0.1:30001", "10.244.1.7:30000", "names 1 gateway but --cluster names 2 gateways")]
    [InlineData("127.0.0.1:30000", "10.244.1.7:30000,10.244.2.9:30000", "names 2 gateways but --cluster names 1 gateway")]
    public async Task Forwarded_to_naming_another_number_of_gateways_than_cluster_is_refused(string gateways, string forwardedTo, string problem)
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services(), "study", "list", "--cluster", gateways, "--forwarded-to", forwardedTo);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"lenssweep: --forwarded-to {problem}; give the advertised address of each --cluster entry, in the same order", error);
        Assert.Null(cluster.ConnectedTo);
    }

    [Fact]
    public async Task A_forwarded_to_list_naming_a_gateway_twice_is_refused()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "list", "--cluster", "127.0.0.1:30000,127.0.0.1:30001", "--forwarded-to", "10.244.1.7:30000,10.244.1.7:30000");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lenssweep: --forwarded-to names 10.244.1.7:30000 twice.", error);
    }

    [Fact]
    public async Task The_forward_variable_is_read_with_the_cluster_variable()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());
        var environment = new Dictionary<string, string> { ["LENSSWEEP_CLUSTER"] = "127.0.0.1:30000", ["LENSSWEEP_FORWARDED_TO"] = "10.244.1.7:30000" };

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services() with { Environment = environment.GetValueOrDefault }, "study", "list");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(["10.244.1.7:30000"], cluster.ConnectedTo!.ForwardedTo!.Select(g => g.ToString()));
    }

    [Fact]
    public async Task The_forward_variable_does_not_apply_to_gateways_given_on_the_command_line()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());
        var environment = new Dictionary<string, string> { ["LENSSWEEP_CLUSTER"] = "127.0.0.1:30000", ["LENSSWEEP_FORWARDED_TO"] = "10.244.1.7:30000" };

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services() with { Environment = environment.GetValueOrDefault }, "study", "list", "--cluster", "10.0.0.4:30000");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Null(cluster.ConnectedTo!.ForwardedTo);
    }
}

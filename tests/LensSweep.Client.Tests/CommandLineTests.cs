using System.CommandLine;

namespace LensSweep.Client.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Run_without_a_spec_exits_2_and_names_the_missing_argument()
    {
        var (code, _, error) = await CliHarness.RunAsync("run");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lenssweep: ", error);
        Assert.Contains("run", error);
        Assert.Contains("--help", error);
    }

    [Fact]
    public async Task Unknown_option_exits_2()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "list", "--colour");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--colour", error);
    }

    [Fact]
    public async Task No_command_exits_2()
    {
        var (code, _, _) = await CliHarness.RunAsync();

        Assert.Equal(ExitCodes.BadInput, code);
    }

    [Fact]
    public async Task Bad_format_exits_2_and_lists_the_valid_choices_on_one_line()
    {
        var (code, output, error) = await CliHarness.RunAsync("leaderboard", "quick", "--format", "xml");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--format must be one of table, json, csv; got 'xml'.", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task Top_must_be_positive(string top)
    {
        var (code, _, error) = await CliHarness.RunAsync("leaderboard", "quick", "--top", top);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--top must be a positive whole number", error);
    }

    [Fact]
    public async Task Cluster_address_without_a_port_exits_2()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "list", "--cluster", "localhost");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--cluster must be host:port", error);
    }

    [Fact]
    public async Task Cluster_option_reaches_the_connector()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        var (code, _, _) = await CliHarness.RunAsync(cluster.Services(), "study", "list", "--cluster", "10.1.2.3:31000");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal([new Cluster.ClusterAddress("10.1.2.3", 31000)], cluster.ConnectedTo!.Gateways);
    }

    [Fact]
    public async Task Plot_file_must_be_png_or_svg()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "plot", "quick", "--out", "scaling.pdf");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--out must name a .png or .svg file", error);
    }

    [Fact]
    public async Task Missing_spec_file_exits_2_and_names_the_path()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "start", "no/such/spec.json");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lenssweep: spec file 'no/such/spec.json' does not exist", error);
    }

    [Fact]
    public async Task Spec_with_problems_exits_2_lists_every_problem_and_starts_nothing()
    {
        var cluster = new FakeCluster();
        var path = Path.Combine(Path.GetTempPath(), $"lenssweep-bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "name": "bad", "scheduler": { "kind": "asha", "min_epochs": 0, "eta": 1 }, "max_concurrent_trials": 0 }""");
        try
        {
            var (code, _, error) = await CliHarness.RunAsync(cluster.Services(), "study", "start", path);

            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Empty(cluster.Started);
            var problems = error.Split('\n').Count(line => line.StartsWith("  - ", StringComparison.Ordinal));
            Assert.True(problems >= 3, $"expected every problem listed, got:\n{error}");
            Assert.Contains("scheduler.min_epochs", error);
            Assert.Contains("max_concurrent_trials", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Unknown_study_exits_2_and_says_how_to_list_studies()
    {
        var (code, _, error) = await CliHarness.RunAsync("leaderboard", "nope");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no study 'nope'", error);
        Assert.Contains("lenssweep study list", error);
    }

    [Fact]
    public async Task Every_command_has_a_description_and_an_example_in_its_help()
    {
        var root = Cli.Build(new FakeCluster().Services());
        var paths = Walk(root, []).ToList();
        Assert.Contains(["run"], paths);
        Assert.Contains(["study", "plot"], paths);
        Assert.Contains(["cluster", "status"], paths);

        foreach (var path in paths)
        {
            var (code, output, _) = await CliHarness.RunAsync([.. path, "--help"]);

            Assert.Equal(ExitCodes.Success, code);
            Assert.Contains("Description:", output);
            var examples = output[output.IndexOf("Examples:", StringComparison.Ordinal)..];
            Assert.Contains($"lenssweep {string.Join(' ', path)}".TrimEnd(), examples);
        }
    }

    private static IEnumerable<string[]> Walk(Command command, string[] path)
    {
        yield return path;
        foreach (var sub in command.Subcommands)
        {
            foreach (var deeper in Walk(sub, [.. path, sub.Name]))
            {
                yield return deeper;
            }
        }
    }
}

namespace LensSweep.Client.Tests;

public sealed class StudyCommandTests
{
    internal static readonly string QuickSpec = Path.Combine(RepositoryRoot(), "examples", "quick.json");

    [Fact]
    public async Task Study_start_validates_the_spec_and_starts_it()
    {
        var cluster = new FakeCluster();

        var (code, output, _) = await CliHarness.RunAsync(cluster.Services(), "study", "start", QuickSpec);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("quick", Assert.Single(cluster.Started).Name);
        Assert.Contains("lenssweep study watch quick", output);
    }

    [Fact]
    public async Task Study_start_with_watch_follows_the_study_to_its_end()
    {
        var (code, output, _) = await CliHarness.RunAsync(new FakeCluster().Services(), "study", "start", QuickSpec, "--watch");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("quick completed", output);
    }

    [Fact]
    public async Task Study_list_shows_every_study()
    {
        var (code, output, _) = await CliHarness.RunAsync("study", "list");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("quick", output);
        Assert.Contains("completed", output);
    }

    [Fact]
    public async Task Study_show_lists_the_counts_and_top_trials()
    {
        var (code, output, _) = await CliHarness.RunAsync("study", "show", "quick");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("mask_ratio, embed_dim, learning_rate", output);
        Assert.Contains("quick/trial-5", output);
    }

    [Fact]
    public async Task Study_cancel_of_an_unknown_study_exits_2()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "cancel", "nope");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no study 'nope'", error);
    }

    [Fact]
    public async Task Cluster_status_lists_slots_and_the_trials_holding_them()
    {
        var (code, output, _) = await CliHarness.RunAsync("cluster", "status");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("cuda:0", output);
        Assert.Contains("quick/trial-1", output);
        Assert.Contains("1/2 device slots busy", output);
        Assert.Contains("no device slots", output);
    }

    [Fact]
    public async Task Run_writes_leaderboard_and_plots_into_the_output_folder()
    {
        var cluster = new FakeCluster();
        var folder = Directory.CreateTempSubdirectory("lenssweep-run-").FullName;
        try
        {
            var (code, output, _) = await CliHarness.RunAsync(cluster.Services(), "run", QuickSpec, "--out", folder, "--slots", "2");

            Assert.Equal(ExitCodes.Success, code);
            Assert.Equal(new Cluster.EmbeddedClusterOptions(folder, 2), cluster.EmbeddedOptions);
            foreach (var file in Commands.RunCommand.OutputFiles)
            {
                Assert.True(new FileInfo(Path.Combine(folder, file)).Length > 0, file);
            }

            Assert.Contains("quick/trial-5", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LensSweep.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The tests run inside the LensSweep repository.");
    }
}

using System.Text.Json;
using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Tests;

/// <summary><c>lenssweep study extend</c> on an embedded run's folder: the new trials train here (one at a
/// time with the other embedded runs: they compare the process-wide trainer call count).</summary>
[Collection(EmbeddedRuns.Name)]
public sealed class StudyExtendTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-extend-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CliServices Services() => new() { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()), Cluster = new FakeCluster() };

    private static string Example(string name) => Path.Combine(StudyCommandTests.RepositoryRoot(), "examples", name);

    private string WriteSpec(string name, Func<string, string> edit)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, edit(File.ReadAllText(Example("quick.json"))));
        return path;
    }

    private async Task<List<JsonElement>> LeaderboardRowsAsync()
    {
        using var leaderboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "leaderboard.json")));
        return [.. leaderboard.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.Clone())];
    }

    [Fact]
    public async Task Extending_a_finished_tpe_run_by_four_trains_four_more_and_keeps_the_first_results()
    {
        var services = Services();
        var (first, _, _) = await CliHarness.RunAsync(services, "run", Example("tpe.json"), "--out", _folder, "--slots", "2");
        // Trials that reached the last rung cannot train again; their scores must survive the growth unchanged.
        var before = (await LeaderboardRowsAsync()).Where(r => r.GetProperty("state").GetString() == "completed")
            .ToDictionary(r => r.GetProperty("trial_id").GetString()!, r => r.GetProperty("score").GetDouble());

        var (code, output, error) = await CliHarness.RunAsync(services, "study", "extend", "tpe", "--trials", "4", "--run", _folder, "--slots", "2");

        Assert.Equal(ExitCodes.Success, first);
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("Study tpe now has 16 trials", output);
        var rows = await LeaderboardRowsAsync();
        Assert.Equal(16, rows.Count);
        Assert.NotEmpty(before);
        Assert.All(before, b => Assert.Equal(b.Value, rows.Single(r => r.GetProperty("trial_id").GetString() == b.Key).GetProperty("score").GetDouble()));
    }

    [Fact]
    public async Task Extending_a_grid_run_with_a_widened_spec_trains_only_the_new_configurations()
    {
        var services = Services();
        var wider = WriteSpec("wider.json", s => s.Replace("\"mask_ratio\": [0.5, 0.75]", "\"mask_ratio\": [0.5, 0.75, 0.6]", StringComparison.Ordinal));
        var (first, _, _) = await CliHarness.RunAsync(services, "run", Example("quick.json"), "--out", _folder, "--slots", "2");
        var calls = InstantTrainer.Calls;

        var (code, output, error) = await CliHarness.RunAsync(services, "study", "extend", "quick", "--spec", wider, "--run", _folder, "--slots", "2");

        Assert.Equal(ExitCodes.Success, first);
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        var rows = await LeaderboardRowsAsync();
        Assert.Equal(6, rows.Count);
        Assert.Equal(2, rows.Count(r => r.GetProperty("parameters").GetProperty("mask_ratio").GetDouble() == 0.6));
        Assert.True(InstantTrainer.Calls > calls);
    }

    [Fact]
    public async Task A_widened_spec_with_another_seed_and_scheduler_is_refused_naming_both()
    {
        var services = Services();
        var other = WriteSpec("other.json", s => s
            .Replace("\"seed\": 0,\n  \"max_concurrent_trials\"", "\"seed\": 5,\n  \"max_concurrent_trials\"", StringComparison.Ordinal)
            .Replace("\"max_epochs\": 20", "\"max_epochs\": 40", StringComparison.Ordinal));
        await CliHarness.RunAsync(services, "run", Example("quick.json"), "--out", _folder, "--slots", "2");

        var (code, _, error) = await CliHarness.RunAsync(services, "study", "extend", "quick", "--spec", other, "--run", _folder, "--slots", "2");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("scheduler differs", error);
        Assert.Contains("seed differs", error);
    }

    [Fact]
    public async Task Extend_without_trials_or_spec_is_refused_before_anything_opens()
    {
        var cluster = new FakeCluster();

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services(), "study", "extend", "quick");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("study extend needs --trials N or --spec FILE", error);
        Assert.Empty(cluster.Extended);
    }

    [Fact]
    public async Task Extend_on_a_cluster_asks_for_the_trials_and_names_the_new_size()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results(StudyState.Completed));

        var (code, output, _) = await CliHarness.RunAsync(cluster.Services(), "study", "extend", "quick", "--trials", "3");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(("quick", 3), (cluster.Extended.Single().StudyId, cluster.Extended.Single().Extension.MoreConfigurations));
        Assert.Contains("Study quick now has", output);
    }
}

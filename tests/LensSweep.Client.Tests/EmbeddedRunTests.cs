using System.Text.Json;
using LensSweep.Client.Cluster;
using LensSweep.Client.Engine;
using LensSweep.Grains.Baselines;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Client.Tests;

[Collection(EmbeddedRuns.Name)]
public sealed class EmbeddedRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-embedded-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Run_on_an_output_folder_another_process_holds_exits_2_naming_the_folder()
    {
        var state = Directory.CreateDirectory(Path.Combine(_folder, "state")).FullName;
        using var otherProcess = new FileStream(Path.Combine(state, "grain-state.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()) };

        var (code, _, error) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"the output folder {Path.GetFullPath(_folder)} is in use by another lenssweep process", error);
    }

    [Fact]
    public async Task Run_on_a_damaged_state_log_exits_2_and_continues_with_repair_state()
    {
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()) };
        var (first, _, _) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2");
        var log = Path.Combine(_folder, "state", "grain-state.log");
        var bytes = await File.ReadAllBytesAsync(log);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(log, bytes);

        var (refused, _, error) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2");
        var (repaired, output, repairError) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2", "--repair-state");

        Assert.Equal(ExitCodes.Success, first);
        Assert.Equal(ExitCodes.BadInput, refused);
        Assert.Contains("is damaged at byte", error);
        Assert.Contains("--repair-state", error);
        Assert.True(repaired == ExitCodes.Success, $"exit {repaired}\n{output}\n{repairError}");
        Assert.Single(Directory.GetFiles(Path.Combine(_folder, "state"), "grain-state.log.damaged-*"));
    }

    [Fact]
    public async Task Run_of_the_quick_spec_finishes_and_ranks_every_trial()
    {
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()) };

        var (code, output, error) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var leaderboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "leaderboard.json")));
        var rows = leaderboard.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(0.75, rows[0].GetProperty("parameters").GetProperty("mask_ratio").GetDouble());
        Assert.Equal("completed", rows[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Run_of_a_tpe_spec_proposes_and_ranks_every_configuration()
    {
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()) };
        var spec = Path.Combine(StudyCommandTests.RepositoryRoot(), "examples", "tpe.json");

        var (code, output, error) = await CliHarness.RunAsync(services, "run", spec, "--out", _folder, "--slots", "2");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("Study tpe: 12 trials", output);
        using var leaderboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "leaderboard.json")));
        var rows = leaderboard.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(12, rows.Count);
        var maskRatios = rows.Select(r => r.GetProperty("parameters").GetProperty("mask_ratio").GetDouble()).ToList();
        Assert.All(maskRatios, m => Assert.InRange(m, 0.4, 0.85));
        Assert.Equal(12, maskRatios.Distinct().Count());
    }

    [Fact]
    public async Task Running_again_with_the_same_output_folder_continues_the_stored_study_instead_of_retraining()
    {
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()) };
        var (first, _, _) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2");
        var firstLeaderboard = await File.ReadAllTextAsync(Path.Combine(_folder, "leaderboard.json"));
        var callsAfterFirst = InstantTrainer.Calls;

        var (second, secondOutput, secondError) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2");

        Assert.Equal(ExitCodes.Success, first);
        Assert.True(second == ExitCodes.Success, $"{secondOutput}\n{secondError}");
        Assert.Equal(callsAfterFirst, InstantTrainer.Calls);
        Assert.Equal(firstLeaderboard, await File.ReadAllTextAsync(Path.Combine(_folder, "leaderboard.json")));
    }

    [Fact]
    public async Task A_finished_runs_folder_is_read_by_study_show_and_leaderboard_with_run()
    {
        var services = new CliServices
        {
            Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()),
            Cluster = new OrleansClusterConnector(),
        };
        var (ran, _, _) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2");
        var calls = InstantTrainer.Calls;

        var (shown, output, error) = await CliHarness.RunAsync(services, "study", "show", "quick", "--run", _folder);
        var (listed, json, _) = await CliHarness.RunAsync(services, "leaderboard", "quick", "--run", _folder, "--format", "json");

        Assert.Equal(ExitCodes.Success, ran);
        Assert.True(shown == ExitCodes.Success, $"exit {shown}\n{output}\n{error}");
        Assert.Contains("quick/", output);
        Assert.Equal(ExitCodes.Success, listed);
        using var leaderboard = JsonDocument.Parse(json);
        Assert.Equal(4, leaderboard.RootElement.GetProperty("rows").GetArrayLength());
        Assert.Equal(calls, InstantTrainer.Calls);
    }

    [Fact]
    public async Task A_finished_runs_folder_is_opened_once_without_slots_and_shows_its_stored_pixel_baseline()
    {
        var launcher = new CountingLauncher(new EmbeddedSiloLauncher(silo =>
        {
            silo.AddLensSweepTrainer<InstantTrainer>();
            silo.Services.AddSingleton<IBaselineScorer>(new FixedPixelScorer());
        }));
        var services = new CliServices { Embedded = launcher, Cluster = new OrleansClusterConnector() };
        var (ran, _, runError) = await CliHarness.RunAsync(services, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2");
        launcher.Opened.Clear();

        var (listed, json, error) = await CliHarness.RunAsync(services, "leaderboard", "quick", "--run", _folder, "--format", "json");

        Assert.True(ran == ExitCodes.Success, runError);
        Assert.True(listed == ExitCodes.Success, error);
        Assert.Equal([0], launcher.Opened);
        using var leaderboard = JsonDocument.Parse(json);
        Assert.Equal(0.61, leaderboard.RootElement.GetProperty("baselines").GetProperty("pixels").GetProperty("probe_auc").GetDouble());
    }

    /// <summary>A pixel baseline known in advance, so a test can find it in the leaderboard.</summary>
    private sealed class FixedPixelScorer : IBaselineScorer
    {
        public Task<ProbeScores> ScorePixelsAsync(DatasetOptions dataset, ProbeSettings probe, CancellationToken cancellationToken) =>
            Task.FromResult(new ProbeScores(0.61, 0.4) { Validation = new Dictionary<string, MetricReading> { ["probe_auc"] = MetricReading.Of(0.61) } });
    }

    /// <summary>Records the device slots of every embedded silo the console opens.</summary>
    private sealed class CountingLauncher(IEmbeddedClusterLauncher inner) : IEmbeddedClusterLauncher
    {
        public List<int?> Opened { get; } = [];

        public Task<IStudyCluster> StartAsync(EmbeddedClusterOptions options, CancellationToken cancellationToken)
        {
            Opened.Add(options.Slots);
            return inner.StartAsync(options, cancellationToken);
        }
    }

    [Fact]
    public async Task A_run_folder_without_a_run_in_it_exits_2_naming_it()
    {
        var services = new CliServices
        {
            Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()),
            Cluster = new OrleansClusterConnector(),
        };

        var (code, _, error) = await CliHarness.RunAsync(services, "study", "list", "--run", _folder);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"--run '{_folder}' holds no embedded run", error);
    }
}

using LensSweep.Grains.Baselines;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Grains.Tests.Integration;

public sealed class BaselineGrainTests
{
    private static readonly DatasetOptions Dataset = new() { ImageSize = 32, ImagesPerClass = 8 };

    [Fact]
    public async Task A_late_second_result_does_not_replace_the_stored_pixel_baseline()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 1);
        var baseline = engine.Client.GetGrain<IStudyBaselineGrain>("late-result");
        var first = new ProbeScores(0.61, 0.4);

        await baseline.RecordAsync(first, null);
        await baseline.RecordAsync(null, "InvalidOperationException: a second computation failed");
        var status = await baseline.GetAsync();

        Assert.Equal(first.ValAuc, status.Pixels?.ValAuc);
        Assert.Null(status.FailureReason);
    }

    [Fact]
    public async Task A_first_ask_that_finds_no_silo_with_slots_is_asked_again_until_one_joins()
    {
        // Silo_0 has no device slots: the computing grain cannot be placed until a second silo joins.
        await using var engine = await EngineCluster.StartAsync(silos: 1, addTrainer: WithScorer(new FixedScorer()), configureEngine: QuickAsks);
        var baseline = engine.Client.GetGrain<IStudyBaselineGrain>("no-slots-yet");

        await baseline.StartAsync(Dataset, new ProbeSettings());
        await engine.Cluster.StartAdditionalSiloAsync();

        await EngineCluster.WaitUntilAsync(async () => (await baseline.GetAsync()).Pixels is not null, TimeSpan.FromSeconds(30), () => "the pixel baseline after a silo with slots joined");
    }

    [Fact]
    public async Task Asks_that_keep_failing_are_recorded_as_a_failure_with_the_last_reason()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 1, addTrainer: WithScorer(new FixedScorer()), configureEngine: o =>
        {
            QuickAsks(o);
            o.PixelBaseline.AskAttempts = 2;
        });
        var baseline = engine.Client.GetGrain<IStudyBaselineGrain>("never-slots");

        await baseline.StartAsync(Dataset, new ProbeSettings());
        await EngineCluster.WaitUntilAsync(async () => !(await baseline.GetAsync()).Pending, TimeSpan.FromSeconds(30), () => "the asks to run out");

        Assert.Contains("2 asks in a row failed", (await baseline.GetAsync()).FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_baseline_whose_asks_ran_out_is_computed_at_a_later_ask_once_a_silo_with_slots_joined()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 1, addTrainer: WithScorer(new FixedScorer()), configureEngine: o =>
        {
            QuickAsks(o);
            o.PixelBaseline.AskAttempts = 2;
        });
        var baseline = engine.Client.GetGrain<IStudyBaselineGrain>("slots-join-late");
        await baseline.StartAsync(Dataset, new ProbeSettings());
        await EngineCluster.WaitUntilAsync(async () => (await baseline.GetAsync()).FailureReason is not null, TimeSpan.FromSeconds(30), () => "the asks to run out");

        await engine.Cluster.StartAdditionalSiloAsync();
        await baseline.StartAsync(Dataset, new ProbeSettings());

        await EngineCluster.WaitUntilAsync(async () => (await baseline.GetAsync()).Pixels is not null, TimeSpan.FromSeconds(30), () => "the pixel baseline at the ask after a silo with slots joined");
    }

    [Fact]
    public void A_failure_is_not_shown_while_the_baseline_is_asked_for_again()
    {
        var state = new BaselineState { FailureReason = "2 asks in a row failed", AskAgain = true };

        Assert.Null(state.ShownFailure(pending: true));
        Assert.Equal("2 asks in a row failed", state.ShownFailure(pending: false));
    }

    [Fact]
    public async Task A_failed_computation_is_not_asked_for_again()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 2, addTrainer: WithScorer(new FixedScorer()), configureEngine: QuickAsks);
        var baseline = engine.Client.GetGrain<IStudyBaselineGrain>("computation-failed");
        await baseline.RecordAsync(null, "InvalidOperationException: the scorer failed");

        await baseline.StartAsync(Dataset, new ProbeSettings());
        var status = await baseline.GetAsync();

        Assert.False(status.Pending);
        Assert.Null(status.Pixels);
        Assert.Equal("InvalidOperationException: the scorer failed", status.FailureReason);
    }

    [Fact]
    public async Task A_scorer_that_hangs_is_let_go_after_the_compute_timeout_with_its_reason()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 2, addTrainer: WithScorer(new HangingScorer()), configureEngine: o =>
        {
            QuickAsks(o);
            o.PixelBaseline.ComputeTimeout = TimeSpan.FromMilliseconds(500);
        });
        var baseline = engine.Client.GetGrain<IStudyBaselineGrain>("hangs");

        await baseline.StartAsync(Dataset, new ProbeSettings());
        await EngineCluster.WaitUntilAsync(async () => !(await baseline.GetAsync()).Pending, TimeSpan.FromSeconds(30), () => "the hanging computation to be let go");

        Assert.Contains("did not finish within", (await baseline.GetAsync()).FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_computation_that_never_reports_is_recorded_as_failed_at_the_deadline()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 2, addTrainer: WithScorer(new HangingScorer()), configureEngine: o =>
        {
            QuickAsks(o);
            o.PixelBaseline.GiveUpAfter = TimeSpan.FromSeconds(1);
        });
        var baseline = engine.Client.GetGrain<IStudyBaselineGrain>("never-reports");

        await baseline.StartAsync(Dataset, new ProbeSettings());
        await EngineCluster.WaitUntilAsync(async () => !(await baseline.GetAsync()).Pending, TimeSpan.FromSeconds(30), () => "the deadline to pass");

        Assert.Contains("no result within", (await baseline.GetAsync()).FailureReason, StringComparison.Ordinal);
    }

    private static void QuickAsks(EngineOptions options)
    {
        options.PixelBaseline.FirstRetryDelay = TimeSpan.FromMilliseconds(100);
        options.PixelBaseline.MaxRetryDelay = TimeSpan.FromMilliseconds(300);
    }

    private static Action<Orleans.Hosting.ISiloBuilder> WithScorer(IBaselineScorer scorer) => silo =>
    {
        silo.AddLensSweepTrainer<ScriptedTrainer>();
        silo.Services.AddSingleton(scorer);
    };

    private sealed class FixedScorer : IBaselineScorer
    {
        public Task<ProbeScores> ScorePixelsAsync(DatasetOptions dataset, ProbeSettings probe, CancellationToken cancellationToken) =>
            Task.FromResult(new ProbeScores(0.7, 0.6));
    }

    /// <summary>Never finishes and ignores its cancellation.</summary>
    private sealed class HangingScorer : IBaselineScorer
    {
        public Task<ProbeScores> ScorePixelsAsync(DatasetOptions dataset, ProbeSettings probe, CancellationToken cancellationToken) =>
            new TaskCompletionSource<ProbeScores>().Task;
    }
}

using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Studies;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using Orleans.Runtime;

namespace LensSweep.Grains.Tests.Integration;

[Collection(SharedClusterCollection.Name)]
public sealed class SweepOnSharedClusterTests(SharedClusterFixture fixture)
{
    private EngineCluster Engine => fixture.Engine;

    [Fact]
    public async Task Every_trial_of_a_full_budget_study_completes_once()
    {
        const string study = "full-budget";
        await using var scope = Engine.StudyScope(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 6, EngineCluster.FullBudget(3), maxConcurrent: 4));

        var status = await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        Assert.Equal(6, status.Counts.Completed);
        var board = await Engine.Sweep(study).GetLeaderboardAsync(100);
        Assert.Equal(Enumerable.Range(0, 6), board.Select(e => e.Trial).Order());
        Assert.All(board, e => Assert.Equal(3, e.EpochsDone));
    }

    [Fact]
    public async Task Trial_configs_are_the_plans_in_trial_order_and_empty_before_the_start()
    {
        const string study = "trial-configs";
        await using var scope = Engine.StudyScope(study);
        var before = await Engine.Sweep(study).GetTrialConfigsAsync();
        var plan = EngineCluster.Plan(study, trials: 5, EngineCluster.FullBudget(1), maxConcurrent: 2);
        await Engine.Sweep(study).StartAsync(plan);

        var configs = await Engine.Sweep(study).GetTrialConfigsAsync();

        Assert.Empty(before);
        Assert.Equal(Enumerable.Range(0, plan.Trials.Count), configs.Keys.Order());
        Assert.Equal(plan.Trials, configs.OrderBy(c => c.Key).Select(c => c.Value));
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);
    }

    [Fact]
    public async Task Trials_never_activate_on_the_slotless_silo()
    {
        const string study = "placement";
        await using var scope = Engine.StudyScope(study);
        Engine.Script.Hold(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 8, EngineCluster.FullBudget(1), maxConcurrent: 8));
        await EngineCluster.WaitUntilAsync(() => Task.FromResult(Engine.Script.Running($"study:{study}") == 4), TimeSpan.FromSeconds(10), () => "four trials to train");

        var management = Engine.Client.GetGrain<IManagementGrain>(0);
        var trialType = Engine.Client.GetGrain<ITrialGrain>(TrialKeys.GrainKey(study, 0)).GetGrainId().Type;
        var activations = (await management.GetDetailedGrainStatistics()).Where(a => a.GrainId.Type == trialType).ToList();
        Engine.Script.Open(study);
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var slotless = Engine.Cluster.Silos.Where(s => !EngineCluster.HasSlots(s.Name)).Select(s => s.SiloAddress).ToHashSet();
        Assert.NotEmpty(activations);
        Assert.DoesNotContain(activations, a => slotless.Contains(a.SiloAddress));
        Assert.DoesNotContain(Engine.Script.CallsOf(study), c => slotless.Contains(c.Silo));
    }

    [Fact]
    public async Task Running_trials_never_exceed_the_free_slots()
    {
        const string study = "concurrency";
        await using var scope = Engine.StudyScope(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 12, EngineCluster.Asha(1, 4), maxConcurrent: 10));

        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var slotCount = Engine.Cluster.Silos.Count(s => EngineCluster.HasSlots(s.Name)) * EngineCluster.SlotsPerSilo.Count;
        Assert.InRange(Engine.Script.MaxRunning($"study:{study}"), 1, slotCount);
        var slots = Engine.Script.CallsOf(study).Select(c => $"slot:{c.Silo}/{c.Device}").Distinct().ToList();
        Assert.All(slots, slot => Assert.Equal(1, Engine.Script.MaxRunning(slot)));
    }

    [Fact]
    public async Task Stopped_and_promoted_trials_are_those_the_pure_scheduler_picks()
    {
        const string study = "asha-equivalence";
        await using var scope = Engine.StudyScope(study);
        var scheduler = EngineCluster.Asha(minEpochs: 1, maxEpochs: 4, eta: 2);
        var plan = EngineCluster.Plan(study, trials: 9, scheduler, maxConcurrent: 1);
        await Engine.Sweep(study).StartAsync(plan);
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        // One trial at a time makes the report order, hence every ASHA decision, deterministic.
        var pure = StudySchedulers.Create(scheduler, plan.Trials.Count);
        var expectedRungs = new Dictionary<int, int>();
        while (pure.Next() is SchedulerDecision.Run run)
        {
            expectedRungs[run.Trial] = run.Rung;
            pure.Report(run.Trial, run.Rung, TrainerScript.Score(plan.Trials[run.Trial], run.ToEpoch));
        }

        var board = await Engine.Sweep(study).GetLeaderboardAsync(100);
        Assert.Equal(expectedRungs.OrderBy(p => p.Key), board.Select(e => KeyValuePair.Create(e.Trial, e.Rung)).OrderBy(p => p.Key));
        var lastRung = pure.RungBudgets.Count - 1;
        Assert.All(board, e => Assert.Equal(e.Rung == lastRung ? TrialStatus.Completed : TrialStatus.Stopped, e.Status));
    }

    [Fact]
    public async Task The_leaderboard_holds_every_rung_of_each_trial_with_its_cumulative_cost()
    {
        const string study = "trajectories";
        await using var scope = Engine.StudyScope(study);
        var scheduler = EngineCluster.Asha(minEpochs: 1, maxEpochs: 4, eta: 2);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 4, scheduler, maxConcurrent: 2));
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var board = await Engine.Sweep(study).GetLeaderboardAsync(100);
        var budgets = StudySchedulers.Create(scheduler, 4).RungBudgets;
        Assert.All(board, entry =>
        {
            Assert.Equal(entry.Rung + 1, entry.Rungs.Count);
            Assert.Equal(budgets.Take(entry.Rung + 1), entry.Rungs.Select(r => r.Epochs));
            Assert.Equal(entry.Score, entry.Rungs[^1].Score);
            Assert.Equal(entry.Cost, entry.Rungs[^1].Cost);
            var seconds = entry.Rungs.Select(r => r.Cost!.Seconds).ToList();
            Assert.Equal(seconds.Order(), seconds);
        });
    }

    [Fact]
    public async Task A_trial_tells_the_epoch_its_rung_ends_at()
    {
        const string study = "rung-end";
        await using var scope = Engine.StudyScope(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 2, EngineCluster.Asha(1, 4, eta: 2), maxConcurrent: 1));
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);
        var completed = (await Engine.Sweep(study).GetLeaderboardAsync(10)).First(e => e.Status == TrialStatus.Completed);

        var info = await Engine.Client.GetGrain<ITrialGrain>(TrialKeys.GrainKey(study, completed.Trial)).GetInfoAsync();

        Assert.Equal(4, info.RungEndEpoch);
    }

    [Fact]
    public async Task A_started_study_is_listed_once_in_the_cluster_registry()
    {
        const string study = "registered";
        await using var scope = Engine.StudyScope(study);
        var plan = EngineCluster.Plan(study, trials: 2, EngineCluster.Asha(1, 2, eta: 2), maxConcurrent: 1);
        await Engine.Sweep(study).StartAsync(plan);
        await Engine.Sweep(study).StartAsync(plan);   // a repeated start is idempotent

        var listed = await StudyRegistry.Get(Engine.Client).ListAsync();

        Assert.Single(listed, s => s.StudyId == study);
    }

    [Fact]
    public async Task A_finished_study_is_marked_ended_in_the_cluster_registry()
    {
        const string study = "registered-ended";
        await using var scope = Engine.StudyScope(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 2, EngineCluster.Asha(1, 2, eta: 2), maxConcurrent: 1));
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        RegisteredStudy? entry = null;
        await EngineCluster.WaitUntilAsync(
            async () => (entry = (await StudyRegistry.Get(Engine.Client).ListAsync()).Single(s => s.StudyId == study)).HasEnded,
            TimeSpan.FromSeconds(20),
            () => $"the registry to mark {study} ended (now: {entry})");

        Assert.True(entry!.HasEnded);
    }

    [Fact]
    public async Task A_study_added_again_after_it_ended_is_listed_as_running_with_its_first_start_time()
    {
        var registry = Engine.Client.GetGrain<IStudyRegistryGrain>($"registry-{Guid.NewGuid():N}");
        var first = DateTimeOffset.UtcNow.AddHours(-1);
        await registry.AddAsync("again", first);
        await registry.MarkEndedAsync("again", first.AddMinutes(5));

        await registry.AddAsync("again", DateTimeOffset.UtcNow);

        Assert.Equal(new RegisteredStudy("again", first), Assert.Single(await registry.ListAsync()));
    }

    [Fact]
    public async Task A_promoted_trial_resumes_from_its_checkpoint()
    {
        const string study = "promotion-resume";
        await using var scope = Engine.StudyScope(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 4, EngineCluster.Asha(1, 4, eta: 2), maxConcurrent: 2));
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var calls = Engine.Script.CallsOf(study).ToList();
        var promoted = calls.Where(c => c.Attempt > 1).ToList();
        Assert.NotEmpty(promoted);
        Assert.All(promoted, c => Assert.True(c.FromEpoch > 0 && c.ResumeFromKey is not null, $"trial {c.Trial} attempt {c.Attempt} started from epoch {c.FromEpoch}"));
        Assert.All(calls.GroupBy(c => c.Trial), g => Assert.Single(g, c => c.FromEpoch == 0));
    }

    [Fact]
    public async Task Every_trial_scores_its_untrained_encoder_once_even_when_promoted_and_resumed()
    {
        const string study = "initial-once";
        await using var scope = Engine.StudyScope(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 4, EngineCluster.Asha(1, 4, eta: 2), maxConcurrent: 2));
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var scorings = Engine.Script.InitialScorings.Where(c => c.Study == study).ToList();
        Assert.Equal([0, 1, 2, 3], scorings.Select(c => c.Trial).Order());
        Assert.All(scorings, c => Assert.Equal((0, 0, null), (c.FromEpoch, c.ToEpoch, c.ResumeFromKey)));
        var board = await Engine.Sweep(study).GetLeaderboardAsync(10);
        Assert.All(board, e => Assert.Equal(TrainerScript.Score(e.Config, 0) + TrainerScript.InitialOffset, e.InitialScores!.ValAuc));
    }

    [Fact]
    public async Task A_gain_metric_ranks_by_the_score_minus_the_trials_own_epoch_zero_score()
    {
        const string study = "gain-metric";
        await using var scope = Engine.StudyScope(study);
        var plan = EngineCluster.Plan(study, trials: 3, EngineCluster.FullBudget(2) with { Metric = "val_auc_gain" }, maxConcurrent: 3);
        await Engine.Sweep(study).StartAsync(plan);
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var board = await Engine.Sweep(study).GetLeaderboardAsync(10);

        Assert.All(board, e => Assert.Equal(e.Scores!.ValAuc - e.InitialScores!.ValAuc, e.Score, 12));
        Assert.Equal(board.Select(e => e.Score).OrderDescending(), board.Select(e => e.Score));
    }

    [Fact]
    public async Task Repeats_of_a_configuration_each_train_and_are_promoted_together()
    {
        const string study = "repeats";
        await using var scope = Engine.StudyScope(study);
        var plan = EngineCluster.Plan(study, trials: 4, EngineCluster.Asha(1, 2, eta: 2), maxConcurrent: 4);
        plan = plan with { Trials = [.. plan.Trials.SelectMany(c => new[] { c, c })], Repeats = 2 };
        await Engine.Sweep(study).StartAsync(plan);
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var board = await Engine.Sweep(study).GetLeaderboardAsync(20);
        Assert.Equal(8, board.Count);
        var completed = board.Where(e => e.Status == TrialStatus.Completed).Select(e => e.Trial).Order().ToList();
        Assert.NotEmpty(completed);
        Assert.All(completed.GroupBy(t => t / 2), arm => Assert.Equal(2, arm.Count()));
        Assert.True(completed.Count < 8, "ASHA stopped no configuration");
        Assert.Equal(8, Engine.Script.CallsOf(study).Select(c => c.Trial).Distinct().Count());
    }

    [Fact]
    public async Task Cancel_frees_every_slot()
    {
        const string study = "cancel";
        await using var scope = Engine.StudyScope(study);
        Engine.Script.Hold(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 10, EngineCluster.FullBudget(2), maxConcurrent: 10));
        await EngineCluster.WaitUntilAsync(() => Task.FromResult(Engine.Script.Running($"study:{study}") == 4), TimeSpan.FromSeconds(10), () => "four trials to train");

        var status = await Engine.Sweep(study).CancelAsync("test");

        Assert.Equal(SweepPhase.Cancelled, status.Phase);
        Assert.Empty(status.Slots);
        Assert.Equal(10, status.Counts.Cancelled);
        var view = await Engine.Ledger.GetViewAsync();
        Assert.DoesNotContain(view.Leases, l => l.Owner == study);
        await EngineCluster.WaitUntilAsync(() => Task.FromResult(Engine.Script.Running($"study:{study}") == 0), TimeSpan.FromSeconds(10), () => "the slot workers to stop the cancelled trials");
    }

    [Fact]
    public async Task A_repeated_rung_report_is_ignored()
    {
        const string study = "duplicate-report";
        await using var scope = Engine.StudyScope(study);
        Engine.Script.Hold(study, trials: trial => trial > 0);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 3, EngineCluster.FullBudget(1), maxConcurrent: 1));
        await EngineCluster.WaitUntilAsync(async () => (await Engine.Sweep(study).GetStatusAsync()).Counts.Completed >= 1, TimeSpan.FromSeconds(10), () => "the first trial to complete");
        var first = (await Engine.Sweep(study).GetLeaderboardAsync(10)).Single(e => e.Status == TrialStatus.Completed);

        var repeat = new RungReport(study, first.Trial, Attempt: 1, Rung: 0, first.EpochsDone, new ProbeScores(0.999, 0.999), first.Cost);
        await Engine.Sweep(study).ReportRungAsync(repeat);
        await Engine.Sweep(study).ReportRungAsync(repeat);
        Engine.Script.Open(study);
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var board = await Engine.Sweep(study).GetLeaderboardAsync(10);
        Assert.Equal(3, board.Count);
        Assert.Equal(first.Score, board.Single(e => e.Trial == first.Trial).Score);
        Assert.Equal(3, (await Engine.Sweep(study).GetStatusAsync()).Counts.Completed);
    }

    [Fact]
    public async Task A_failed_trial_is_on_the_leaderboard_last_with_its_reason_and_rung()
    {
        const string study = "failed-listed";
        await using var scope = Engine.StudyScope(study);
        Engine.Script.Fail(study, trial => trial == 0, "folder data/x holds no .npy files");
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 3, EngineCluster.FullBudget(1), maxConcurrent: 3));
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var board = await Engine.Sweep(study).GetLeaderboardAsync(10);

        Assert.Equal(3, board.Count);
        var failed = board[^1];
        Assert.Equal(0, failed.Trial);
        Assert.Equal(TrialStatus.Failed, failed.Status);
        Assert.Equal(0, failed.FailedRung);
        Assert.Contains("InvalidDataException: folder data/x holds no .npy files", failed.FailureReason);
        Assert.True(double.IsNaN(failed.Score));
        Assert.Null(failed.Scores);
    }

    [Fact]
    public async Task Starting_a_study_again_with_the_same_plan_changes_nothing()
    {
        const string study = "idempotent-start";
        await using var scope = Engine.StudyScope(study);
        var plan = EngineCluster.Plan(study, trials: 2, EngineCluster.FullBudget(1), maxConcurrent: 2);
        await Engine.Sweep(study).StartAsync(plan);
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var again = await Engine.Sweep(study).StartAsync(plan);

        Assert.Equal(SweepPhase.Finished, again.Phase);
        Assert.Equal(2, Engine.Script.CallsOf(study).Count());
    }

    [Fact]
    public async Task Starting_a_study_again_with_another_plan_is_refused()
    {
        const string study = "conflicting-start";
        await using var scope = Engine.StudyScope(study);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 2, EngineCluster.FullBudget(1), maxConcurrent: 2));

        await Assert.ThrowsAsync<StudySpecConflictException>(() => Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 3, EngineCluster.FullBudget(1), maxConcurrent: 2)));
    }

    [Fact]
    public async Task A_plan_with_problems_is_refused_naming_each()
    {
        const string study = "bad-plan";
        await using var scope = Engine.StudyScope(study);
        var plan = EngineCluster.Plan(study, trials: 2, EngineCluster.FullBudget(1), maxConcurrent: 0) with { Trials = [] };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Engine.Sweep(study).StartAsync(plan));

        Assert.Contains("max_concurrent_trials", error.Message, StringComparison.Ordinal);
        Assert.Contains("no trials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_reloaded_from_its_table_and_journal_mid_study_runs_every_trial_once()
    {
        const string study = "reload";
        await using var scope = Engine.StudyScope(study);
        Engine.Script.Hold(study, trials: trial => trial >= 290);
        await Engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 300, EngineCluster.FullBudget(1), maxConcurrent: 4));
        await EngineCluster.WaitUntilAsync(
            async () => (await Engine.Sweep(study).GetStatusAsync()).Counts.Completed == 290 && Engine.Script.Running($"study:{study}") == 4,
            TimeSpan.FromSeconds(20), () => "290 trials to complete and 4 to block");

        // More records changed than the journal holds before compaction, so the reload reads both.
        await Engine.Cluster.DeactivateAsync(Engine.Sweep(study));
        Engine.Script.Open(study);
        var status = await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        Assert.Equal(300, status.Counts.Completed);
        Assert.Equal(300, (await Engine.Sweep(study).GetLeaderboardAsync(1000)).Select(e => e.Trial).Distinct().Count());
        Assert.Equal(300, Engine.Script.CallsOf(study).Count());
    }
}

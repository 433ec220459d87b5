using System.Text.Json;
using LensSweep.Grains.Scheduling;
using Run = LensSweep.Grains.Scheduling.SchedulerDecision.Run;

namespace LensSweep.Grains.Tests.Scheduling;

public sealed class AshaSchedulerTests
{
    /// <summary>r = 1, R = 4, eta = 2: rungs of 1, 2 and 4 epochs.</summary>
    private static AshaScheduler Asha(int trials, MetricMode mode = MetricMode.Max) =>
        new(new AshaOptions(MinEpochs: 1, MaxEpochs: 4, Eta: 2, mode), trials);

    private static Run New(int trial) => new(trial, 0, 0, 1, IsPromotion: false);

    private static Run StartNew(AshaScheduler asha, int count)
    {
        Run last = null!;
        for (int i = 0; i < count; i++)
        {
            last = Assert.IsType<Run>(asha.Next());
            Assert.False(last.IsPromotion);
        }

        return last;
    }

    [Theory]
    [InlineData(1, 9, 3, new[] { 1, 3, 9 })]
    [InlineData(1, 4, 3, new[] { 1, 3, 4 })]
    [InlineData(1, 4, 2, new[] { 1, 2, 4 })]
    [InlineData(4, 100, 3, new[] { 4, 12, 36, 100 })]
    [InlineData(5, 5, 3, new[] { 5 })]
    public void Rung_budgets_grow_by_eta_and_end_at_max_epochs(int r, int max, int eta, int[] expected) =>
        Assert.Equal(expected, new AshaOptions(r, max, eta).RungBudgets());

    [Fact]
    public void Sequential_study_follows_the_hand_worked_order()
    {
        // One slot, score = trial number. Worked by hand from the ASHA rule:
        // t0 r0 (n0=1, top 0) → t1 r0 (n0=2, top {1}) → promote t1 to r1 → t2 r0 (n0=3, top {2})
        // → promote t2 to r1 (n1=2, top {2}) → promote t2 to r2 → t3 r0 (n0=4, top {3,2})
        // → promote t3 to r1 (n1=3, top {3}) → promote t3 to r2 → finished.
        var asha = Asha(4);
        var decisions = new List<SchedulerDecision>();
        for (var d = asha.Next(); d is Run run; d = asha.Next())
        {
            decisions.Add(run);
            asha.Report(run.Trial, run.Rung, run.Trial);
        }

        Assert.Equal(
            [
                New(0), New(1), new Run(1, 1, 1, 2, true), New(2), new Run(2, 1, 1, 2, true), new Run(2, 2, 2, 4, true),
                New(3), new Run(3, 1, 1, 2, true), new Run(3, 2, 2, 4, true),
            ],
            decisions);
        Assert.IsType<SchedulerDecision.Finished>(asha.Next());
        Assert.True(asha.IsFinished);
    }

    [Fact]
    public void Promotion_goes_to_the_best_of_the_top_fraction_not_the_first_reported()
    {
        var asha = Asha(5);
        StartNew(asha, 4);
        asha.Report(0, 0, 0.2);
        asha.Report(1, 0, 0.9);
        asha.Report(2, 0, 0.5);
        asha.Report(3, 0, 0.7);

        Assert.Equal(new Run(1, 1, 1, 2, true), asha.Next());
        Assert.Equal(new Run(3, 1, 1, 2, true), asha.Next());
        Assert.Equal(New(4), asha.Next());
    }

    [Fact]
    public void Promotions_come_from_the_highest_rung_first()
    {
        var asha = Asha(5);
        StartNew(asha, 4);
        asha.Report(0, 0, 0.9);
        asha.Report(1, 0, 0.8);
        Assert.Equal(new Run(0, 1, 1, 2, true), asha.Next());
        asha.Report(2, 0, 0.2);
        asha.Report(3, 0, 0.1);
        Assert.Equal(new Run(1, 1, 1, 2, true), asha.Next());
        Assert.Equal(New(4), asha.Next());
        asha.Report(4, 0, 0.95);   // n0 = 5, top 2 = {4, 0}: trial 4 becomes promotable from rung 0
        asha.Report(0, 1, 0.5);
        asha.Report(1, 1, 0.4);    // n1 = 2, top 1 = {0}: trial 0 promotable from rung 1

        Assert.Equal(new Run(0, 2, 2, 4, true), asha.Next());
        Assert.Equal(new Run(4, 1, 1, 2, true), asha.Next());
    }

    [Fact]
    public void Equal_scores_promote_the_lower_trial_number()
    {
        var asha = Asha(2);
        StartNew(asha, 2);
        asha.Report(1, 0, 0.5);
        asha.Report(0, 0, 0.5);

        Assert.Equal(new Run(0, 1, 1, 2, true), asha.Next());
    }

    [Fact]
    public void Min_mode_promotes_the_lowest_score()
    {
        var asha = Asha(2, MetricMode.Min);
        StartNew(asha, 2);
        asha.Report(0, 0, 0.3);
        asha.Report(1, 0, 0.1);

        Assert.Equal(new Run(1, 1, 1, 2, true), asha.Next());
    }

    [Fact]
    public void Nan_score_ranks_below_every_number()
    {
        var asha = Asha(2);
        StartNew(asha, 2);
        asha.Report(0, 0, double.NaN);
        asha.Report(1, 0, -5);

        Assert.Equal(new Run(1, 1, 1, 2, true), asha.Next());
    }

    [Fact]
    public void Exhausted_grid_waits_while_trials_run_and_finishes_when_none_can_be_promoted()
    {
        var asha = Asha(2);
        StartNew(asha, 2);
        Assert.IsType<SchedulerDecision.Wait>(asha.Next());
        asha.Report(0, 0, 0.1);
        Assert.IsType<SchedulerDecision.Wait>(asha.Next());
        Assert.False(asha.IsFinished);
        asha.Report(1, 0, 0.2);
        Assert.Equal(new Run(1, 1, 1, 2, true), asha.Next());
        Assert.IsType<SchedulerDecision.Wait>(asha.Next());
        asha.Report(1, 1, 0.3);   // n1 = 1: the top ⌊1/2⌋ is empty, nobody reaches rung 2

        Assert.True(asha.IsFinished);
        Assert.IsType<SchedulerDecision.Finished>(asha.Next());
        Assert.IsType<SchedulerDecision.Finished>(asha.Next());
    }

    [Fact]
    public void Study_without_trials_is_finished_at_once()
    {
        var asha = Asha(0);

        Assert.True(asha.IsFinished);
        Assert.IsType<SchedulerDecision.Finished>(asha.Next());
    }

    [Fact]
    public void Duplicate_report_counts_once_and_keeps_the_first_score()
    {
        var asha = Asha(3);
        StartNew(asha, 2);
        asha.Report(0, 0, 0.9);
        asha.Report(0, 0, 0.1);   // counted twice, n0 would be 2 and trial 0 promotable

        Assert.Equal(New(2), asha.Next());
        asha.Report(1, 0, 0.5);
        Assert.Equal(new Run(0, 1, 1, 2, true), asha.Next());
        Assert.Equal([0.9], asha.Snapshot().Trials[0].Scores);
    }

    [Fact]
    public void Report_for_a_rung_the_trial_is_not_running_is_refused()
    {
        var asha = Asha(2);
        StartNew(asha, 1);

        var error = Assert.Throws<InvalidOperationException>(() => asha.Report(0, 1, 0.5));
        Assert.Contains("Trial 0 reported rung 1", error.Message);
        Assert.Throws<InvalidOperationException>(() => asha.Report(1, 0, 0.5));
    }

    [Fact]
    public void Report_outside_the_study_names_the_valid_range()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Asha(2).Report(2, 0, 0.5));

        Assert.Contains("trials 0..1", error.Message);
    }

    [Fact]
    public void Failed_running_trial_frees_its_slot_and_never_returns()
    {
        var asha = Asha(1);
        StartNew(asha, 1);
        asha.Fail(0, 0);
        asha.Report(0, 0, 0.9);   // a late report from the failed attempt is ignored

        Assert.IsType<SchedulerDecision.Finished>(asha.Next());
        Assert.True(asha.Snapshot().Trials[0].HasFailed);
        Assert.Empty(asha.Snapshot().Trials[0].Scores);
    }

    [Fact]
    public void Failed_trial_waiting_for_promotion_is_never_promoted_but_its_result_still_counts()
    {
        var asha = Asha(2);
        StartNew(asha, 2);
        asha.Report(0, 0, 0.9);
        asha.Fail(0, 0);          // cancelled while paused at rung 0
        asha.Report(1, 0, 0.1);   // n0 = 2, top 1 = {0}, which is failed

        Assert.IsType<SchedulerDecision.Finished>(asha.Next());
    }

    [Fact]
    public void Failed_promoted_trial_leaves_the_others_running()
    {
        var asha = Asha(3);
        StartNew(asha, 2);
        asha.Report(0, 0, 0.9);
        asha.Report(1, 0, 0.1);
        Assert.Equal(new Run(0, 1, 1, 2, true), asha.Next());
        asha.Fail(0, 1);
        asha.Fail(0, 0);          // stale: trial 0 had left rung 0, ignored

        Assert.Equal(New(2), asha.Next());
        Assert.Equal(1, asha.RunningCount);
    }

    [Fact]
    public void Trial_failed_before_it_started_is_skipped()
    {
        var asha = Asha(3);
        asha.Fail(1, 0);

        Assert.Equal(New(0), asha.Next());
        Assert.Equal(New(2), asha.Next());
    }

    [Fact]
    public void Promotions_resume_from_the_finished_rung_budget()
    {
        var asha = new AshaScheduler(new AshaOptions(1, 9, 3), 27);
        var driver = new StudyDriver(slots: 4, seed: 1);

        driver.Drive(asha);

        var promotions = driver.Decisions.OfType<Run>().Where(r => r.IsPromotion).ToList();
        Assert.Contains(promotions, r => r.Rung == 2);
        Assert.All(promotions, r => Assert.Equal((asha.RungBudgets[r.Rung - 1], asha.RungBudgets[r.Rung]), (r.FromEpoch, r.ToEpoch)));
        Assert.All(driver.Decisions.OfType<Run>().Where(r => !r.IsPromotion), r => Assert.Equal((0, 0, 1), (r.Rung, r.FromEpoch, r.ToEpoch)));
    }

    [Theory]
    [InlineData(2, 1, 8, 1, MetricMode.Max)]
    [InlineData(3, 1, 9, 4, MetricMode.Max)]
    [InlineData(3, 2, 50, 8, MetricMode.Min)]
    [InlineData(4, 1, 64, 3, MetricMode.Max)]
    public void Decisions_match_a_naive_asha_on_random_schedules(int eta, int r, int max, int slots, MetricMode mode)
    {
        for (int seed = 0; seed < 5; seed++)
        {
            var options = new AshaOptions(r, max, eta, mode);
            var fast = new StudyDriver(slots, seed);
            var naive = new StudyDriver(slots, seed);

            fast.Drive(new AshaScheduler(options, 60));
            naive.Drive(new NaiveAsha(options, 60));

            Assert.Equal(naive.Decisions, fast.Decisions);
        }
    }

    [Fact]
    public void Restored_scheduler_makes_the_same_decisions_as_the_original()
    {
        var options = new AshaOptions(1, 27, 3);
        for (int cut = 0; cut < 400; cut += 37)
        {
            var original = new AshaScheduler(options, 100);
            var driver = new StudyDriver(slots: 6, seed: cut);
            driver.Drive(original, maxSteps: cut);
            var restored = StudySchedulers.Restore(new LensSweep.Grains.Specs.SchedulerOptions { MinEpochs = 1, MaxEpochs = 27, Eta = 3 }, original.Snapshot());
            var goOn = driver.CloneWithSeed(99);
            var goOnRestored = driver.CloneWithSeed(99);

            goOn.Drive(original);
            goOnRestored.Drive(restored);

            Assert.Equal(goOn.Decisions, goOnRestored.Decisions);
            Assert.Equal(Json(original.Snapshot()), Json(restored.Snapshot()));
        }
    }

    [Fact]
    public void Snapshot_survives_a_json_round_trip()
    {
        var options = new AshaOptions(1, 9, 3);
        var original = new AshaScheduler(options, 30);
        var driver = new StudyDriver(slots: 4, seed: 3);
        driver.Drive(original, maxSteps: 40);
        original.Fail(driver.Running[0].Trial, driver.Running[0].Rung);
        driver.Running.RemoveAt(0);

        var stored = JsonSerializer.Deserialize<SchedulerSnapshot>(Json(original.Snapshot()))!;
        var restored = AshaScheduler.Restore(options, stored);

        Assert.Equal(Json(original.Snapshot()), Json(restored.Snapshot()));
        Assert.Equal(original.RunningCount, restored.RunningCount);
        Assert.Equal(original.Next(), restored.Next());
    }

    [Fact]
    public void Snapshot_that_does_not_fit_the_options_is_refused()
    {
        var snapshot = new SchedulerSnapshot(2, 1, [new TrialSnapshot(0, Rung: 5, IsRunning: true, HasFailed: false, Scores: [0.1, 0.2, 0.3, 0.4, 0.5])]);

        var error = Assert.Throws<ArgumentException>(() => AshaScheduler.Restore(new AshaOptions(1, 4, 2), snapshot));
        Assert.Contains("trial 0", error.Message);
    }

    [Fact]
    public void Every_trial_starts_once_and_every_promotion_follows_a_report()
    {
        var asha = new AshaScheduler(new AshaOptions(1, 16, 2), 200);
        var driver = new StudyDriver(slots: 7, seed: 11);

        driver.Drive(asha);

        var runs = driver.Decisions.OfType<Run>().ToList();
        Assert.Equal(Enumerable.Range(0, 200), runs.Where(r => !r.IsPromotion).Select(r => r.Trial));
        Assert.Equal(runs.Count, runs.Distinct().Count());
        Assert.All(runs.Where(r => r.IsPromotion), p => Assert.Contains(new Run(p.Trial, p.Rung - 1, p.Rung == 1 ? 0 : asha.RungBudgets[p.Rung - 2], asha.RungBudgets[p.Rung - 1], p.Rung > 1), runs));
        Assert.True(asha.IsFinished);
    }

    private static string Json(SchedulerSnapshot snapshot) => JsonSerializer.Serialize(snapshot);
}

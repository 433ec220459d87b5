using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class StudyBookTests
{
    internal static SweepPlan Plan(int trials, int maxConcurrent, int maxEpochs = 8) => new(
        "book", new DatasetOptions { ImageSize = 32, ImagesPerClass = 8 },
        new SchedulerOptions { Kind = SchedulerKind.Asha, MinEpochs = 1, MaxEpochs = maxEpochs, Eta = 2 },
        maxConcurrent, new ProbeSettings(), Seed: 7,
        Enumerable.Range(0, trials).Select(i => new TrialConfig { MaskRatio = 0.1 + (0.8 * i / trials) }).ToList());

    [Fact]
    public void A_study_ends_with_every_trial_terminal_and_never_more_leases_than_max_concurrent_trials()
    {
        var driver = new BookDriver(Plan(trials: 40, maxConcurrent: 3), slots: 5, seed: 1);

        driver.Run(fails: trial => trial % 7 == 3);

        Assert.Equal(SweepPhase.Finished, driver.Book.State.Phase);
        Assert.Equal(40, driver.Book.Table.All.Count);
        Assert.All(driver.Book.Table.All.Values, r => Assert.True(r.Status.IsTerminal(), $"{r.Status}"));
        Assert.Equal(3, driver.MostLeasesHeld);
        Assert.Empty(driver.Book.State.Leases);
        Assert.Contains(driver.Book.Table.All.Values, r => r.Status == TrialStatus.Failed);
        Assert.Contains(driver.Book.Table.All.Values, r => r.Status == TrialStatus.Completed);
    }

    [Fact]
    public void A_held_slot_carries_its_trials_score_at_the_last_rung_it_reported()
    {
        var driver = new BookDriver(Plan(trials: 4, maxConcurrent: 2), slots: 2, seed: 3);
        var bound = new List<SlotUse>();
        for (var i = 0; i < 50 && !bound.Any(s => s.LastScore is not null) && driver.Book.State.Phase == SweepPhase.Running; i++)
        {
            driver.Batch();
            bound = [.. driver.Book.Standings.Slots(driver.Book.State.Leases).Where(s => s.Trial is not null)];
            Assert.All(bound, s =>
            {
                var scores = driver.Book.Table.All[s.Trial!.Value].Scores;
                Assert.Equal(scores.Count > 0 ? scores[^1] : null, s.LastScore);
            });
            driver.FinishOne();
        }

        Assert.Contains(bound, s => s.LastScore is not null);
    }

    [Fact]
    public void A_book_rebuilt_from_its_persisted_state_after_every_batch_decides_the_same()
    {
        // 600 trials: the journal passes 256 records, so the rebuilt books also load compacted tables.
        var plan = Plan(trials: 600, maxConcurrent: 6);
        var original = new BookDriver(plan, slots: 6, seed: 5);
        var rebuilt = new BookDriver(plan, slots: 6, seed: 5);

        original.Run(fails: trial => trial % 11 == 4);
        rebuilt.Run(reloadEveryBatch: true, fails: trial => trial % 11 == 4);

        Assert.NotEmpty(BookDriver.Read<SweepTableState>(original.StoredTable).Trials);
        Assert.Equal(Decisions(original), Decisions(rebuilt));
        Assert.Equal(Board(original.Book), Board(rebuilt.Book));
        Assert.Equal(SweepPhase.Finished, rebuilt.Book.State.Phase);
    }

    [Fact]
    public void Stale_acks_requeue_at_the_front_ahead_of_trials_whose_slot_was_lost()
    {
        var driver = new BookDriver(Plan(trials: 10, maxConcurrent: 3), slots: 3, seed: 2);
        driver.Batch();
        var sent = driver.Sent;
        var book = driver.Book;

        book.Reconcile(book.State.Leases.Where(l => l.Id != book.Table.All[sent[2].Trial].LeaseId).ToList());
        var first = book.Acknowledge(sent[0], new TrialAck(TrialAckKind.Stale, Attempt: 5));
        var second = book.Acknowledge(sent[1], new TrialAck(TrialAckKind.Stale, Attempt: 3));

        Assert.True(first.Requeued && second.Requeued);
        Assert.Equal([sent[1].Trial, sent[0].Trial, sent[2].Trial], book.State.Requeued);
        var again = book.AddLeases([BookDriver.NewLease(100, 7)]);
        Assert.Equal([sent[1].Trial, sent[0].Trial, sent[2].Trial], again.Select(a => a.Trial));
        Assert.Equal([4, 6, 2], again.Select(a => a.Attempt));
    }

    [Fact]
    public void A_stale_ack_for_an_attempt_the_book_has_gone_past_is_ignored()
    {
        var driver = new BookDriver(Plan(trials: 4, maxConcurrent: 1), slots: 1, seed: 2);
        driver.Batch();
        var old = driver.Sent[0] with { Attempt = 0 };

        var outcome = driver.Book.Acknowledge(old, new TrialAck(TrialAckKind.Stale, Attempt: 9));

        Assert.False(outcome.Requeued);
        Assert.Empty(driver.Book.State.Requeued);
        Assert.Equal(1, driver.Book.Table.All[old.Trial].Attempt);
    }

    [Fact]
    public void A_rejected_ack_fails_that_attempt_with_the_trials_reason()
    {
        var driver = new BookDriver(Plan(trials: 4, maxConcurrent: 1), slots: 1, seed: 2);
        driver.Batch();
        var sent = driver.Sent[0];

        var outcome = driver.Book.Acknowledge(sent, new TrialAck(TrialAckKind.Rejected, sent.Attempt, Reason: "slot not here"));
        var result = driver.Book.Apply(outcome.Report!);

        Assert.False(outcome.Requeued);
        Assert.Equal(TrialStatus.Failed, result!.Status);
        Assert.Equal("slot not here", driver.Book.Table.All[sent.Trial].FailureReason);
        Assert.Empty(driver.Book.State.Requeued);
    }

    [Fact]
    public void Reading_a_batchs_answers_collects_the_reports_they_carry_in_order_and_skips_calls_that_failed()
    {
        var driver = new BookDriver(Plan(trials: 10, maxConcurrent: 3), slots: 3, seed: 2);
        driver.Batch();
        var sent = driver.Sent;
        RungReport Done(TrialAssignment a) => new("book", a.Trial, a.Attempt, a.Rung, a.ToEpoch, BookDriver.Scores(a.Trial, 0), new TrialCost(1, 1));

        var outcome = driver.Book.Acknowledge([
            (sent[2], new TrialAck(TrialAckKind.Done, sent[2].Attempt, Done(sent[2]))),
            (sent[0], null),
            (sent[1], new TrialAck(TrialAckKind.Done, sent[1].Attempt, Done(sent[1])))]);

        Assert.Equal([sent[2].Trial, sent[1].Trial], outcome.Reports.Select(r => r.Trial));
        Assert.False(outcome.Requeued);
    }

    [Fact]
    public void Reading_a_batchs_answers_says_requeued_when_any_answer_was_stale()
    {
        var driver = new BookDriver(Plan(trials: 10, maxConcurrent: 2), slots: 2, seed: 2);
        driver.Batch();
        var sent = driver.Sent;

        var outcome = driver.Book.Acknowledge([
            (sent[0], new TrialAck(TrialAckKind.Accepted, sent[0].Attempt)),
            (sent[1], new TrialAck(TrialAckKind.Stale, Attempt: 4))]);

        Assert.True(outcome.Requeued);
        Assert.Empty(outcome.Reports);
        Assert.Equal([sent[1].Trial], driver.Book.State.Requeued);
    }

    [Fact]
    public void A_repeated_report_is_applied_once()
    {
        var driver = new BookDriver(Plan(trials: 4, maxConcurrent: 1), slots: 1, seed: 2);
        driver.Batch();
        var sent = driver.Sent[0];
        var report = new RungReport("book", sent.Trial, sent.Attempt, sent.Rung, 1, BookDriver.Scores(sent.Trial, 0), new TrialCost(1, 1));

        Assert.NotNull(driver.Book.Apply(report));
        Assert.Null(driver.Book.Apply(report));
        Assert.Single(driver.Book.Table.All[sent.Trial].Scores);
    }

    [Fact]
    public void Cancel_cancels_running_trials_and_stops_paused_ones()
    {
        var driver = new BookDriver(Plan(trials: 20, maxConcurrent: 3), slots: 3, seed: 4);
        for (var i = 0; i < 6; i++)
        {
            driver.Batch();
            driver.FinishOne();
        }

        driver.Batch();
        var running = driver.Book.Table.All.Where(t => t.Value.Status.IsActive()).Select(t => t.Key).Order().ToList();
        var paused = driver.Book.Table.All.Where(t => t.Value.Status == TrialStatus.Paused).Select(t => t.Key).Order().ToList();

        var cancelled = driver.Book.Cancel("user asked", DateTimeOffset.UnixEpoch);

        Assert.NotEmpty(running);
        Assert.NotEmpty(paused);
        Assert.Equal(running, cancelled.Running);
        Assert.Equal(paused, cancelled.Paused);
        Assert.All(running, t => Assert.Equal((TrialStatus.Cancelled, "user asked"), (driver.Book.Table.All[t].Status, driver.Book.Table.All[t].FailureReason)));
        Assert.All(paused, t => Assert.Equal(TrialStatus.Stopped, driver.Book.Table.All[t].Status));
        Assert.Empty(driver.Book.State.Leases);
        Assert.Equal(SweepPhase.Cancelled, driver.Book.State.Phase);
        var counts = driver.Book.Standings.Counts(cancelled: true);
        Assert.Equal((0, 20 - driver.Book.Table.All.Count + running.Count), (counts.Waiting, counts.Cancelled));
    }

    [Fact]
    public void A_finished_study_that_grew_runs_its_new_trials_keeps_its_results_and_promotes_over_the_larger_study()
    {
        var plan = Plan(trials: 8, maxConcurrent: 2);
        var first = new BookDriver(plan, slots: 2, seed: 8);
        first.Run();
        var before = first.Book.Table.All.ToDictionary(t => t.Key, t => t.Value.Scores.ToList());
        var grownPlan = plan with { Trials = [.. plan.Trials, .. Plan(trials: 16, maxConcurrent: 2).Trials.Skip(8)] };
        var book = StudyBook.Load(grownPlan, BookDriver.Read<SweepProgressState>(first.StoredProgress), BookDriver.Read<SweepTableState>(first.StoredTable));

        Assert.True(book.HasUnstartedTrials);
        Assert.True(book.Reopen());
        Assert.DoesNotContain(book.Table.All.Values, r => r.Status == TrialStatus.Stopped);
        var grown = new BookDriver(grownPlan, book, slots: 2, seed: 9, firstLease: 100);
        grown.Run();

        Assert.Equal(SweepPhase.Finished, grown.Book.State.Phase);
        Assert.Equal(16, grown.Book.Table.All.Count);
        Assert.All(before, t => Assert.Equal(t.Value, grown.Book.Table.All[t.Key].Scores.Take(t.Value.Count)));
        Assert.True(grown.Book.Table.All.Values.Count(r => r.Scores.Count > 1) >= 8, "half of 16 trials reach the second rung");
        Assert.True(first.Book.Table.All.Values.Count(r => r.Scores.Count > 1) < 8);
        Assert.All(grown.Book.Table.All.Values, r => Assert.True(r.Status.IsTerminal(), $"{r.Status}"));
    }

    [Fact]
    public void A_running_study_that_reopens_stays_running()
    {
        var driver = new BookDriver(Plan(trials: 4, maxConcurrent: 2), slots: 2, seed: 10);
        driver.Batch();

        Assert.False(driver.Book.Reopen());
        Assert.Equal(SweepPhase.Running, driver.Book.State.Phase);
    }

    private static List<(int, int, int, int, bool)> Decisions(BookDriver driver) =>
        driver.Sent.Select(a => (a.Trial, a.Attempt, a.Rung, a.ToEpoch, a.IsPromotion)).ToList();

    private static List<(int, TrialStatus, int, double)> Board(StudyBook book) =>
        book.Standings.Leaderboard().Select(e => (e.Trial, e.Status, e.Rung, e.Score)).ToList();
}

using LensSweep.Grains.Devices;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class StudyBatchTests
{
    private static readonly TimeProvider Clock = new FixedClock(DateTimeOffset.UnixEpoch);

    private static StudyBook Started(int trials, int maxConcurrent)
    {
        var book = StudyBook.Load(StudyBookTests.Plan(trials, maxConcurrent), new SweepProgressState(), new SweepTableState());
        book.Start();
        return book;
    }

    private static Func<int, Task<IReadOnlyList<SlotLease>>> Ledger(List<int> asked, int free, long firstId = 1) => wanted =>
    {
        asked.Add(wanted);
        var granted = Enumerable.Range(0, Math.Min(wanted, free)).Select(i => BookDriver.NewLease(firstId + i, i)).ToList();
        return Task.FromResult<IReadOnlyList<SlotLease>>(granted);
    };

    private static RungReport Finished(TrialAssignment run) =>
        new("book", run.Trial, run.Attempt, run.Rung, run.ToEpoch, BookDriver.Scores(run.Trial, run.Rung), new TrialCost(run.ToEpoch, 1));

    [Fact]
    public async Task A_batch_asks_the_ledger_only_for_the_room_left_under_max_concurrent_trials()
    {
        var asked = new List<int>();

        var batch = await StudyBatch.DecideAsync(Started(trials: 8, maxConcurrent: 3), [], [], Ledger(asked, free: 10), Clock);

        Assert.Equal([3], asked);
        Assert.Equal(3, batch.Send.Count);
        Assert.Empty(batch.Release);
    }

    [Fact]
    public async Task A_batch_whose_slots_are_all_busy_does_not_call_the_ledger()
    {
        var book = Started(trials: 8, maxConcurrent: 2);
        await StudyBatch.DecideAsync(book, [], [], Ledger([], free: 2), Clock);
        var asked = new List<int>();

        var batch = await StudyBatch.DecideAsync(book, [], [], Ledger(asked, free: 2, firstId: 50), Clock);

        Assert.Empty(asked);
        Assert.Empty(batch.Send);
    }

    [Fact]
    public async Task A_batch_applies_its_reports_before_it_gives_the_freed_slot_its_next_trial()
    {
        var book = Started(trials: 8, maxConcurrent: 1);
        var first = (await StudyBatch.DecideAsync(book, [], [], Ledger([], free: 1), Clock)).Send.Single();
        var asked = new List<int>();

        var batch = await StudyBatch.DecideAsync(book, [], [Finished(first)], Ledger(asked, free: 1, firstId: 50), Clock);

        Assert.Empty(asked);
        var next = Assert.Single(batch.Send);
        Assert.NotEqual(first.Trial, next.Trial);
        Assert.Equal(first.Slot, next.Slot);
        Assert.Equal(TrialStatus.Paused, book.Table.All[first.Trial].Status);
    }

    [Fact]
    public async Task Re_sent_assignments_of_running_trials_follow_the_batchs_new_ones()
    {
        var book = Started(trials: 8, maxConcurrent: 2);
        var first = (await StudyBatch.DecideAsync(book, [], [], Ledger([], free: 2), Clock)).Send;
        var kept = book.State.Leases.Single(l => l.Id == book.Table.All[first[1].Trial].LeaseId);
        var pokes = book.Reconcile([kept]).Pokes;

        var batch = await StudyBatch.DecideAsync(book, pokes, [], Ledger([], free: 1, firstId: 50), Clock);

        Assert.Equal([first[0].Trial, first[1].Trial], batch.Send.Select(a => a.Trial));
        Assert.Equal(first[0].Attempt + 1, batch.Send[0].Attempt);
        Assert.Equal(first[1], batch.Send[1]);
    }

    [Fact]
    public async Task A_poked_trial_given_a_new_assignment_in_the_batch_is_sent_only_the_new_one()
    {
        var book = Started(trials: 1, maxConcurrent: 1);
        var run = (await StudyBatch.DecideAsync(book, [], [], Ledger([], free: 1), Clock)).Send.Single();
        var pokes = book.Reconcile(book.State.Leases.ToList()).Pokes;

        var batch = await StudyBatch.DecideAsync(book, pokes, [Finished(run)], Ledger([], free: 0), Clock);

        Assert.Equal([run], pokes);
        var promoted = Assert.Single(batch.Send);
        Assert.Equal((run.Trial, 1, run.Attempt + 1), (promoted.Trial, promoted.Rung, promoted.Attempt));
    }

    [Fact]
    public async Task A_batch_that_has_no_trial_for_a_slot_hands_it_back()
    {
        var book = Started(trials: 1, maxConcurrent: 1);
        var run = (await StudyBatch.DecideAsync(book, [], [], Ledger([], free: 1), Clock)).Send.Single();
        var report = new RungReport("book", run.Trial, run.Attempt, run.Rung, 0, null, TrialCost.Zero, "scripted failure");

        var batch = await StudyBatch.DecideAsync(book, [], [report], Ledger([], free: 0), Clock);

        Assert.Equal([run.Slot], batch.Release.Select(l => l.Slot));
        Assert.Empty(batch.Send);
    }

    [Fact]
    public async Task The_batch_that_ends_the_study_says_so_and_stamps_the_clocks_time()
    {
        var book = Started(trials: 1, maxConcurrent: 1);
        var run = (await StudyBatch.DecideAsync(book, [], [], Ledger([], free: 1), Clock)).Send.Single();
        var report = new RungReport("book", run.Trial, run.Attempt, run.Rung, 0, null, TrialCost.Zero, "scripted failure");
        var end = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

        var batch = await StudyBatch.DecideAsync(book, [], [report], Ledger([], free: 0), new FixedClock(end));

        Assert.True(batch.Finished);
        Assert.Equal(SweepPhase.Finished, book.State.Phase);
        Assert.Equal(end, book.State.FinishedAt);
    }
}

using System.Diagnostics;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// What a sweep has been asked to do and has not done yet, for its one pump loop to take in order: a cancel
/// first, then growth, then a batch (rung reports, a reconcile pass, free slots to fill). Requests add to it
/// and return; the pump drains it. Nothing here is persisted: a new activation starts empty and reconciles
/// (the trials still hold their reports).
/// </summary>
internal sealed class SweepInbox
{
    private readonly Queue<(RungReport Report, long Received)> reports = new();
    private readonly List<TaskCompletionSource> cancelWaiters = [];
    private readonly List<(SweepPlan Plan, TaskCompletionSource Stored)> growths = [];
    private bool reconcileWanted;
    private bool dispatchWanted;
    private bool reopenWanted;

    /// <summary>The first reason a cancel was asked with.</summary>
    public string CancelReason { get; private set; } = "cancelled";

    public bool CancelAsked => cancelWaiters.Count > 0;

    public bool GrowthAsked => growths.Count > 0 || reopenWanted;

    public bool HasBatchWork => reports.Count > 0 || reconcileWanted || dispatchWanted;

    public void Add(RungReport report) => reports.Enqueue((report, Stopwatch.GetTimestamp()));

    /// <summary>A batch's answers: their reports go into the next batch, and a requeued trial is dispatched again.</summary>
    public void Add(DispatchOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        foreach (var report in outcome.Reports)
        {
            Add(report);
        }

        if (outcome.Requeued)
        {
            WantDispatch();
        }
    }

    /// <summary>What a fresh activation asks of its pump, from the persisted phase: a running study (re-activated
    /// after a crash or collection) checks every lease and trial before going on; a finished one whose plan has
    /// trials never started (<paramref name="hasUnstartedTrials"/>, asked only then: it grew, and the silo died
    /// between storing the grown plan and running it) runs again. True when the pump has work.</summary>
    public bool Recover(SweepPhase phase, Func<bool> hasUnstartedTrials)
    {
        ArgumentNullException.ThrowIfNull(hasUnstartedTrials);
        if (phase == SweepPhase.Running)
        {
            WantReconcile();
            return true;
        }

        if (phase == SweepPhase.Finished && hasUnstartedTrials())
        {
            WantReopen();
            return true;
        }

        return false;
    }

    /// <summary>What the pump does next: a cancel first, then growth, then a batch while the study runs.
    /// <see cref="PumpStep.Done"/> when nothing is left, or when the study no longer runs (its queued reports
    /// are then dropped: a study that ended applies none).</summary>
    public PumpStep Next(SweepPhase phase)
    {
        if (CancelAsked)
        {
            return PumpStep.Cancel;
        }

        if (GrowthAsked)
        {
            return PumpStep.Grow;
        }

        if (phase != SweepPhase.Running)
        {
            DropReports();
            return PumpStep.Done;
        }

        return HasBatchWork ? PumpStep.Batch : PumpStep.Done;
    }

    /// <summary>Re-check every lease and running trial in the next batch.</summary>
    public void WantReconcile() => reconcileWanted = true;

    /// <summary>Fill free slots in the next batch even without a report.</summary>
    public void WantDispatch() => dispatchWanted = true;

    /// <summary>A finished study whose plan grew runs again (its grown plan is already stored).</summary>
    public void WantReopen() => reopenWanted = true;

    /// <summary>Completes when the pump has cancelled the study.</summary>
    public Task AskCancel(string reason)
    {
        if (!CancelAsked)
        {
            CancelReason = string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cancelWaiters.Add(done);
        return done.Task;
    }

    /// <summary>Completes when the pump has stored <paramref name="plan"/> as the study's.</summary>
    public Task AskGrowth(SweepPlan plan)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        growths.Add((plan, stored));
        return stored.Task;
    }

    /// <summary>The growths asked so far, in order (the reopen flag cleared); complete them with <see cref="GrowthsDone"/>.</summary>
    public IReadOnlyList<(SweepPlan Plan, TaskCompletionSource Stored)> TakeGrowths()
    {
        var taken = growths.ToList();
        growths.Clear();
        reopenWanted = false;
        return taken;
    }

    public static void GrowthsDone(IReadOnlyList<(SweepPlan Plan, TaskCompletionSource Stored)> taken)
    {
        foreach (var (_, stored) in taken)
        {
            stored.TrySetResult();
        }
    }

    /// <summary>The cancel is done: every waiter returns, and queued reports are dropped.</summary>
    public void Cancelled()
    {
        foreach (var waiter in cancelWaiters)
        {
            waiter.TrySetResult();
        }

        cancelWaiters.Clear();
        reports.Clear();
    }

    /// <summary>The next batch's work: whether to reconcile, and every queued report with when it arrived.</summary>
    public SweepBatchWork TakeBatch()
    {
        var work = new SweepBatchWork(reconcileWanted, [.. reports]);
        reports.Clear();
        reconcileWanted = false;
        dispatchWanted = false;
        return work;
    }

    public void DropReports() => reports.Clear();

    /// <summary>The pump failed: every waiting request fails with it.</summary>
    public void Fail(Exception e)
    {
        foreach (var waiter in cancelWaiters)
        {
            waiter.TrySetException(e);
        }

        foreach (var (_, stored) in growths)
        {
            stored.TrySetException(e);
        }

        cancelWaiters.Clear();
        growths.Clear();
    }
}

/// <summary>One batch's share of the inbox.</summary>
internal sealed record SweepBatchWork(bool Reconcile, IReadOnlyList<(RungReport Report, long Received)> Reports);

/// <summary>The pump's next step (see <see cref="SweepInbox.Next"/>).</summary>
internal enum PumpStep
{
    Done,
    Cancel,
    Grow,
    Batch,
}

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

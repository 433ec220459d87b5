using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class SweepInboxTests
{
    private static RungReport Report(int trial) => new("inbox", trial, 1, 0, 1, null, TrialCost.Zero, "x");

    [Fact]
    public void A_batch_takes_every_queued_report_in_order_and_clears_the_flags()
    {
        var inbox = new SweepInbox();
        inbox.Add(Report(2));
        inbox.Add(Report(1));
        inbox.WantReconcile();
        inbox.WantDispatch();

        var work = inbox.TakeBatch();

        Assert.True(work.Reconcile);
        Assert.Equal([2, 1], work.Reports.Select(r => r.Report.Trial));
        Assert.False(inbox.HasBatchWork);
    }

    [Fact]
    public void A_cancel_keeps_the_first_reason_and_every_waiter_returns_when_it_is_done()
    {
        var inbox = new SweepInbox();
        var first = inbox.AskCancel("operator");
        var second = inbox.AskCancel("again");
        inbox.Add(Report(0));

        inbox.Cancelled();

        Assert.Equal("operator", inbox.CancelReason);
        Assert.True(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully);
        Assert.False(inbox.CancelAsked);
        Assert.False(inbox.HasBatchWork);
    }

    [Fact]
    public void A_failed_pump_fails_every_waiting_cancel_and_growth()
    {
        var inbox = new SweepInbox();
        var cancel = inbox.AskCancel("stop");
        var growth = inbox.AskGrowth(StudyBookTests.Plan(trials: 2, maxConcurrent: 1));

        inbox.Fail(new InvalidOperationException("storage down"));

        Assert.True(cancel.IsFaulted && growth.IsFaulted);
        Assert.False(inbox.CancelAsked || inbox.GrowthAsked);
    }

    [Fact]
    public void Taking_the_growths_clears_the_reopen_flag_and_completing_them_returns_every_waiter()
    {
        var inbox = new SweepInbox();
        inbox.WantReopen();
        var growth = inbox.AskGrowth(StudyBookTests.Plan(trials: 2, maxConcurrent: 1));

        var taken = inbox.TakeGrowths();
        SweepInbox.GrowthsDone(taken);

        Assert.Single(taken);
        Assert.False(inbox.GrowthAsked);
        Assert.True(growth.IsCompletedSuccessfully);
    }
}

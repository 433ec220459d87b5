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

    [Fact]
    public void A_running_study_reconciles_first_when_it_is_activated()
    {
        var inbox = new SweepInbox();

        Assert.True(inbox.Recover(SweepPhase.Running, () => throw new InvalidOperationException("not asked for a running study")));
        Assert.Equal(PumpStep.Batch, inbox.Next(SweepPhase.Running));
        Assert.True(inbox.TakeBatch().Reconcile);
    }

    [Fact]
    public void A_finished_study_whose_grown_plan_has_unstarted_trials_reopens_when_it_is_activated()
    {
        var inbox = new SweepInbox();

        Assert.True(inbox.Recover(SweepPhase.Finished, () => true));
        Assert.Equal(PumpStep.Grow, inbox.Next(SweepPhase.Finished));
    }

    [Fact]
    public void A_finished_study_with_every_trial_started_has_nothing_to_do_when_it_is_activated()
    {
        var inbox = new SweepInbox();

        Assert.False(inbox.Recover(SweepPhase.Finished, () => false));
        Assert.Equal(PumpStep.Done, inbox.Next(SweepPhase.Finished));
    }

    [Theory]
    [InlineData(SweepPhase.NotStarted)]
    [InlineData(SweepPhase.Cancelled)]
    public void A_study_that_never_started_or_was_cancelled_is_activated_without_asking_about_its_trials(SweepPhase phase)
    {
        var inbox = new SweepInbox();

        Assert.False(inbox.Recover(phase, () => throw new InvalidOperationException("the study has no book to ask")));
    }

    [Fact]
    public void The_pump_takes_a_cancel_before_a_growth_and_a_growth_before_a_batch()
    {
        var inbox = new SweepInbox();
        inbox.Add(Report(0));
        var growth = inbox.AskGrowth(StudyBookTests.Plan(trials: 2, maxConcurrent: 1));
        inbox.AskCancel("stop");

        Assert.Equal(PumpStep.Cancel, inbox.Next(SweepPhase.Running));
        inbox.Cancelled();
        Assert.Equal(PumpStep.Grow, inbox.Next(SweepPhase.Running));
        SweepInbox.GrowthsDone(inbox.TakeGrowths());
        inbox.Add(Report(1));
        Assert.Equal(PumpStep.Batch, inbox.Next(SweepPhase.Running));
        Assert.True(growth.IsCompletedSuccessfully);
    }

    [Fact]
    public void The_pump_of_a_study_that_no_longer_runs_drops_its_queued_reports_and_stops()
    {
        var inbox = new SweepInbox();
        inbox.Add(Report(0));

        Assert.Equal(PumpStep.Done, inbox.Next(SweepPhase.Finished));
        Assert.False(inbox.HasBatchWork);
    }

    [Fact]
    public void A_dispatch_outcome_queues_its_reports_in_order_for_the_next_batch()
    {
        var inbox = new SweepInbox();

        inbox.Add(new DispatchOutcome([Report(3), Report(1)], Requeued: false));

        Assert.Equal([3, 1], inbox.TakeBatch().Reports.Select(r => r.Report.Trial));
    }

    [Fact]
    public void A_dispatch_outcome_with_a_requeued_trial_asks_for_another_dispatch()
    {
        var inbox = new SweepInbox();

        inbox.Add(new DispatchOutcome([], Requeued: true));

        Assert.Equal(PumpStep.Batch, inbox.Next(SweepPhase.Running));
    }
}

using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using Run = LensSweep.Grains.Scheduling.SchedulerDecision.Run;

namespace LensSweep.Grains.Tests.Scheduling;

public sealed class FullBudgetSchedulerTests
{
    [Fact]
    public void Every_trial_trains_straight_to_max_epochs_in_order()
    {
        var scheduler = new FullBudgetScheduler(maxEpochs: 9, trialCount: 3);

        Assert.Equal(new Run(0, 0, 0, 9, false), scheduler.Next());
        Assert.Equal(new Run(1, 0, 0, 9, false), scheduler.Next());
        scheduler.Report(0, 0, 0.99);
        Assert.Equal(new Run(2, 0, 0, 9, false), scheduler.Next());
        Assert.IsType<SchedulerDecision.Wait>(scheduler.Next());
        scheduler.Report(1, 0, 0.5);
        scheduler.Report(2, 0, 0.1);

        Assert.IsType<SchedulerDecision.Finished>(scheduler.Next());
        Assert.True(scheduler.IsFinished);
        Assert.Equal([9], scheduler.RungBudgets);
    }

    [Fact]
    public void Restored_full_budget_scheduler_continues_where_it_stopped()
    {
        var scheduler = new FullBudgetScheduler(5, 3);
        scheduler.Next();
        scheduler.Next();
        scheduler.Report(0, 0, 0.4);

        var restored = FullBudgetScheduler.Restore(5, scheduler.Snapshot());

        Assert.Equal(new Run(2, 0, 0, 5, false), restored.Next());
        restored.Report(1, 0, 0.3);
        restored.Report(2, 0, 0.2);
        Assert.True(restored.IsFinished);
    }

    [Fact]
    public void Factory_builds_the_scheduler_the_spec_names()
    {
        var none = StudySchedulers.Create(new SchedulerOptions { Kind = SchedulerKind.None, MaxEpochs = 6 }, 4);
        var asha = StudySchedulers.Create(new SchedulerOptions { Kind = SchedulerKind.Asha, MinEpochs = 2, MaxEpochs = 18, Eta = 3 }, 4);

        Assert.IsType<FullBudgetScheduler>(none);
        Assert.Equal([6], none.RungBudgets);
        Assert.IsType<AshaScheduler>(asha);
        Assert.Equal([2, 6, 18], asha.RungBudgets);
    }
}

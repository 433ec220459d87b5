using LensSweep.Grains.Studies;
using LensSweep.Grains.Sweeps;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>Studies that grow on the shared test cluster (<c>lenssweep study extend</c>).</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class StudyGrowthTests(SharedClusterFixture fixture)
{
    private EngineCluster Engine => fixture.Engine;

    /// <summary>Runs a full-budget study of <paramref name="trials"/> trials to its end and returns its plan.</summary>
    private async Task<SweepPlan> FinishedStudyAsync(string study, int trials, int epochs)
    {
        var plan = EngineCluster.Plan(study, trials, EngineCluster.FullBudget(epochs), maxConcurrent: 2);
        await Engine.Sweep(study).StartAsync(plan);
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);
        return plan;
    }

    [Fact]
    public async Task A_finished_study_that_grows_runs_only_its_new_trials_and_finishes_again()
    {
        const string study = "grow-finished";
        await using var scope = Engine.StudyScope(study);
        var plan = await FinishedStudyAsync(study, trials: 4, epochs: 2);
        var callsBefore = Engine.Script.CallsOf(study).Count();
        var wider = plan with { Trials = [.. plan.Trials, .. EngineCluster.Plan(study, trials: 7, EngineCluster.FullBudget(2), maxConcurrent: 2).Trials.Skip(4)] };

        var grown = await Engine.Sweep(study).GrowAsync(new StudyGrowth(0, wider));
        var status = await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        Assert.Equal(7, grown.TrialCount);
        Assert.Equal(7, status.Counts.Completed);
        var newCalls = Engine.Script.CallsOf(study).Skip(callsBefore).Select(c => c.Trial).Distinct().Order();
        Assert.Equal([4, 5, 6], newCalls);
        Assert.True((await StudyRegistry.Get(Engine.Client).ListAsync()).Single(s => s.StudyId == study).HasEnded);
    }

    [Fact]
    public async Task Starting_the_original_plan_of_a_grown_study_continues_the_grown_study()
    {
        const string study = "grow-restart";
        await using var scope = Engine.StudyScope(study);
        var plan = await FinishedStudyAsync(study, trials: 2, epochs: 1);
        await Engine.Sweep(study).GrowAsync(new StudyGrowth(0, plan with { Trials = [.. plan.Trials, .. EngineCluster.Plan(study, trials: 5, EngineCluster.FullBudget(1), maxConcurrent: 2).Trials.Skip(3)] }));
        await Engine.WaitForPhaseAsync(study, SweepPhase.Finished);

        var status = await Engine.Sweep(study).StartAsync(plan);

        Assert.Equal(4, status.TrialCount);
        Assert.Equal(SweepPhase.Finished, status.Phase);
    }

    [Fact]
    public async Task A_running_study_that_grows_finishes_with_every_trial_of_the_grown_plan()
    {
        const string study = "grow-running";
        await using var scope = Engine.StudyScope(study);
        Engine.Script.Hold(study);
        var plan = EngineCluster.Plan(study, trials: 3, EngineCluster.FullBudget(1), maxConcurrent: 2);
        await Engine.Sweep(study).StartAsync(plan);
        await EngineCluster.WaitUntilAsync(
            () => Task.FromResult(Engine.Script.Running($"study:{study}") == 2), TimeSpan.FromSeconds(60), () => "two trials to start");

        var grown = await Engine.Sweep(study).GrowAsync(new StudyGrowth(0, plan with { Trials = [.. plan.Trials, .. EngineCluster.Plan(study, trials: 5, EngineCluster.FullBudget(1), maxConcurrent: 2).Trials.Skip(3)] }));
        Engine.Script.Open(study);
        var status = await Engine.WaitForPhaseAsync(study, SweepPhase.Finished, TimeSpan.FromSeconds(60));

        Assert.Equal((SweepPhase.Running, 5), (grown.Phase, grown.TrialCount));
        Assert.Equal(5, status.Counts.Completed);
    }

    [Fact]
    public async Task Asking_a_study_to_grow_to_the_size_it_has_changes_nothing()
    {
        const string study = "grow-same";
        await using var scope = Engine.StudyScope(study);
        var plan = await FinishedStudyAsync(study, trials: 3, epochs: 1);

        var status = await Engine.Sweep(study).GrowAsync(new StudyGrowth(0, plan));

        Assert.Equal(SweepPhase.Finished, status.Phase);
        Assert.Equal(3, status.TrialCount);
    }

    [Fact]
    public async Task A_study_refuses_growth_whose_settings_differ_with_each_difference_named()
    {
        const string study = "grow-refused";
        await using var scope = Engine.StudyScope(study);
        var plan = await FinishedStudyAsync(study, trials: 2, epochs: 1);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Engine.Sweep(study).GrowAsync(new StudyGrowth(0, plan with { Seed = 8, MaxConcurrentTrials = 3 })));

        Assert.Contains("max_concurrent_trials differs", error.Message, StringComparison.Ordinal);
        Assert.Contains("seed differs", error.Message, StringComparison.Ordinal);
    }
}

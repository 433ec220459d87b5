using LensSweep.Grains.Search;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>TPE studies on the test cluster: configurations proposed as slots free, kept through a silo's death.</summary>
public sealed class TpeStudyTests
{
    private static SweepPlan Plan(string study, int configurations) =>
        EngineCluster.Plan(study, trials: 0, EngineCluster.FullBudget(2), maxConcurrent: 2) with
        {
            Trials = [],
            Adaptive = new AdaptiveSearch(
                new SearchSpace { MaskRatio = ParameterDomain.Between<double>(0.3, 0.7), EmbedDim = ParameterDomain.Of(32, 64) },
                configurations,
                Startup: 2),
        };

    [Fact]
    public async Task A_tpe_study_finishes_with_every_trial_after_the_silo_holding_its_sweep_is_killed()
    {
        await using var engine = await EngineCluster.StartAsync();
        const string study = "tpe-loss";
        var victim = engine.Cluster.Silos.First(s => EngineCluster.HasSlots(s.Name));

        // The first two trials checkpoint epoch 1 and block; the sweep grain lives on the silo that dies.
        engine.Script.Hold(study, fromEpoch: 1);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, victim.SiloAddress);
        try
        {
            await engine.Sweep(study).StartAsync(Plan(study, configurations: 6));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        await EngineCluster.WaitUntilAsync(
            () => Task.FromResult(engine.Script.Running($"study:{study}") == 2),
            TimeSpan.FromSeconds(60), () => "two trials to block at epoch 1");
        var before = await engine.Sweep(study).GetTrialConfigsAsync();

        await engine.Cluster.KillSiloAsync(victim);
        engine.Script.Open(study);
        var status = await engine.WaitForPhaseAsync(study, SweepPhase.Finished, TimeSpan.FromSeconds(120));
        var after = await engine.Sweep(study).GetTrialConfigsAsync();

        Assert.Equal(6, status.TrialCount);
        Assert.Equal(6, status.Counts.Completed);
        Assert.Equal(Enumerable.Range(0, 6), after.Keys.Order());
        Assert.All(before, proposed => Assert.Equal(proposed.Value, after[proposed.Key]));
    }
}

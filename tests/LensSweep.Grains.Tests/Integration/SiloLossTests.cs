using LensSweep.Grains.Sweeps;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>A silo that dies without a drain: the studies hear of it from Orleans' failure detection.</summary>
public sealed class SiloLossTests
{
    // Far longer than the test may take: a recovery that waited for a reconcile pass would time the test out.
    private static readonly TimeSpan NoReconcile = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Killing_a_silo_re_places_its_trial_within_failure_detection_and_logs_no_error()
    {
        await using var engine = await EngineCluster.StartAsync(configureEngine: o => o.ReconcilePeriod = NoReconcile);
        const string study = "loss";
        var victim = engine.Cluster.Silos.First(s => EngineCluster.HasSlots(s.Name));

        // Each trial (one per slot silo) checkpoints epoch 1 and blocks; the sweep grain dies with the victim too.
        engine.Script.Hold(study, fromEpoch: 1);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, victim.SiloAddress);
        try
        {
            await engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 2, EngineCluster.FullBudget(2), maxConcurrent: 2));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        await EngineCluster.WaitUntilAsync(
            () => Task.FromResult(engine.Script.CallsOf(study).Count(c => c.FromEpoch == 1) == 2 && engine.Script.Running($"study:{study}") == 2),
            TimeSpan.FromSeconds(60), () => "both trials to block at epoch 1");
        var lost = Assert.Single(engine.Script.CallsOf(study).Where(c => c.Silo.Equals(victim.SiloAddress)).Select(c => c.Trial).Distinct());

        await engine.Cluster.KillSiloAsync(victim);
        TrainerCall? resumed = null;
        await EngineCluster.WaitUntilAsync(
            () => Task.FromResult((resumed = engine.Script.CallsOf(study).FirstOrDefault(c => c.Trial == lost && c.FromEpoch == 1 && !c.Silo.Equals(victim.SiloAddress))) is not null),
            NoReconcile / 10,
            () => $"trial {lost} to resume on another silo");
        engine.Script.Open(study);
        var status = await engine.WaitForPhaseAsync(study, SweepPhase.Finished, TimeSpan.FromSeconds(60));

        Assert.Equal(2, status.Counts.Completed);
        Assert.NotNull(resumed!.ResumeFromKey);
        Assert.Empty(engine.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message} {e.Exception?.GetType().Name}"));
    }
}

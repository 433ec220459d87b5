using LensSweep.Grains.Hosting;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>A silo stopped gracefully (SIGTERM) hands its trials over; each test on a cluster of its own.</summary>
public sealed class DrainTests
{
    // Far longer than the test may take: a hand-over that waited for a reconcile pass would time the test out.
    private static readonly TimeSpan NoReconcile = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Stopping_a_silo_mid_epoch_resumes_its_trial_elsewhere_at_the_same_step_within_seconds()
    {
        var script = new StepScript();
        await using var engine = await EngineCluster.StartAsync(
            addTrainer: silo =>
            {
                silo.Services.AddSingleton(script);
                silo.AddLensSweepTrainer<SteppedTrainer>();
            },
            configureEngine: o => o.ReconcilePeriod = NoReconcile);
        const string study = "drain";
        var victim = engine.Cluster.Silos.First(s => EngineCluster.HasSlots(s.Name));

        // Both trials (one per slot silo) hold before step 4 of epoch 1; the sweep grain lives on the victim, so
        // the hand-over must also get the study's decision out before its coordinator stops with the silo.
        script.HoldAt(epoch: 1, step: 4);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, victim.SiloAddress);
        try
        {
            await engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 2, EngineCluster.FullBudget(2), maxConcurrent: 2));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        await EngineCluster.WaitUntilAsync(() => Task.FromResult(script.Waiting == 2), TimeSpan.FromSeconds(60), () => "both trials to reach epoch 1 step 4");
        var drained = Assert.Single(script.Calls.Where(c => c.Silo.Equals(victim.SiloAddress)).Select(c => c.Trial).Distinct());

        var stopRequested = DateTime.UtcNow;
        var stopping = engine.Cluster.StopSiloAsync(victim);
        SteppedCall? resumed = null;
        await EngineCluster.WaitUntilAsync(
            () => Task.FromResult((resumed = script.Calls.FirstOrDefault(c => c.Trial == drained && !c.Silo.Equals(victim.SiloAddress))) is not null),
            NoReconcile / 10,
            () => $"trial {drained} to resume on another silo; the engine logged: {string.Join(" | ", engine.Logs.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}"))}");
        script.Open();
        await stopping;
        var status = await engine.WaitForPhaseAsync(study, SweepPhase.Finished, TimeSpan.FromSeconds(60));

        Assert.Equal(2, status.Counts.Completed);
        Assert.Equal((1, 4), (resumed!.FromEpoch, resumed.FromStep));
        Assert.NotNull(resumed.ResumeFromKey);
        var handOver = resumed.StartedUtc - stopRequested;
        // Seconds on an idle machine; the bound only has to be far below the reconcile period, so a busy one passes too.
        Assert.True(handOver < NoReconcile / 10, $"the hand-over took {handOver.TotalSeconds:0.0} s");
        var expected = Enumerable.Range(0, 2).SelectMany(e => Enumerable.Range(0, StepScript.StepsPerEpoch).Select(s => (e, s))).ToList();
        foreach (var trial in new[] { 0, 1 })
        {
            var steps = script.Steps.Where(s => s.Trial == trial).Select(s => (s.Epoch, s.Step)).ToList();
            Assert.Equal(expected, steps.Order());
        }

        var onVictim = script.Steps.Where(s => s.Trial == drained && s.Silo.Equals(victim.SiloAddress)).Select(s => (s.Epoch, s.Step)).ToList();
        Assert.Equal(expected.Take(StepScript.StepsPerEpoch + 4), onVictim);
    }

    [Fact]
    public async Task A_retiring_silo_keeps_only_the_slots_still_handing_over_and_is_never_leased_again()
    {
        await using var engine = await EngineCluster.StartAsync();
        var retiring = engine.Cluster.Silos.First(s => EngineCluster.HasSlots(s.Name)).SiloAddress;
        var held = await engine.Ledger.AcquireAsync("x", 4);
        Assert.Equal(2, held.Count(l => l.Slot.Silo.Equals(retiring)));

        var told = await engine.Ledger.RetireSlotsAsync(retiring, ["cpu:0"]);
        var kept = await engine.Ledger.GetLeasesAsync("x");
        await engine.Ledger.ReleaseAllAsync("x");
        var later = await engine.Ledger.AcquireAsync("y", 4);

        Assert.Equal(["x"], told);
        Assert.Equal(["cpu:0"], kept.Where(l => l.Slot.Silo.Equals(retiring)).Select(l => l.Slot.Device));
        Assert.Equal(2, later.Count);
        Assert.DoesNotContain(later, l => l.Slot.Silo.Equals(retiring));
    }
}

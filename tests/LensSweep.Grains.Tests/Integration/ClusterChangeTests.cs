using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>Tests that kill or add silos, each on a cluster of its own.</summary>
public sealed class ClusterChangeTests
{
    [Fact]
    public async Task Killing_a_silo_mid_trial_resumes_its_trials_from_their_checkpoints_elsewhere()
    {
        await using var engine = await EngineCluster.StartAsync();
        const string study = "crash";
        var victim = engine.Cluster.Silos.First(s => EngineCluster.HasSlots(s.Name));

        // Every trial checkpoints epochs 1 and 2, then blocks; the sweep grain itself lives on the victim.
        engine.Script.Hold(study, fromEpoch: 2);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, victim.SiloAddress);
        try
        {
            await engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 6, EngineCluster.FullBudget(4), maxConcurrent: 4));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        await EngineCluster.WaitUntilAsync(
            () => Task.FromResult(engine.Script.CallsOf(study).Count(c => c.FromEpoch == 2) == 4 && engine.Script.Running($"study:{study}") == 4),
            TimeSpan.FromSeconds(10), () => "four trials to block at epoch 2");
        var sweepId = engine.Sweep(study).GetGrainId();
        var sweepHosts = (await engine.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Where(a => a.GrainId == sweepId).Select(a => a.SiloAddress);
        Assert.Equal([victim.SiloAddress], sweepHosts);
        var interrupted = engine.Script.CallsOf(study).Where(c => c.FromEpoch == 2 && c.Silo.Equals(victim.SiloAddress)).Select(c => c.Trial).ToList();
        Assert.NotEmpty(interrupted);

        await engine.Cluster.KillSiloAsync(victim);
        engine.Script.Open(study);
        var status = await engine.WaitForPhaseAsync(study, SweepPhase.Finished, TimeSpan.FromSeconds(25));

        var board = await engine.Sweep(study).GetLeaderboardAsync(100);
        var infos = await Task.WhenAll(Enumerable.Range(0, 6).Select(t => engine.Client.GetGrain<ITrialGrain>(TrialKeys.GrainKey(study, t)).GetInfoAsync()));
        Assert.True(status.Counts.Completed == 6, $"{status.Counts}; trials: {string.Join("; ", infos.Select(i => $"{i.Trial} {i.Status} {i.FailureReason}"))}");
        Assert.Equal(Enumerable.Range(0, 6), board.Select(e => e.Trial).Order());
        var calls = engine.Script.CallsOf(study).ToList();
        foreach (var trial in interrupted)
        {
            Assert.Contains(calls, c => c.Trial == trial && c.FromEpoch == 2 && c.ResumeFromKey is not null && !c.Silo.Equals(victim.SiloAddress));
        }

        Assert.All(calls.GroupBy(c => c.Trial), g => Assert.Single(g, c => c.FromEpoch == 0));
        Assert.DoesNotContain(calls, c => c.Silo.Equals(victim.SiloAddress) && c.FromEpoch > 2);
    }

    [Fact]
    public async Task A_silo_that_joins_mid_study_gets_waiting_trials()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 2);
        const string study = "joined";
        engine.Script.Hold(study);
        await engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials: 6, EngineCluster.FullBudget(1), maxConcurrent: 6));
        await EngineCluster.WaitUntilAsync(() => Task.FromResult(engine.Script.Running($"study:{study}") == 2), TimeSpan.FromSeconds(10), () => "the first silo's two slots to fill");

        var added = await engine.Cluster.StartAdditionalSiloAsync();
        Assert.True(EngineCluster.HasSlots(added.Name), $"the added silo {added.Name} should have slots");
        await EngineCluster.WaitUntilAsync(() => Task.FromResult(engine.Script.Running($"study:{study}") == 4), TimeSpan.FromSeconds(15), () => "the added silo's slots to fill");

        Assert.Contains(engine.Script.CallsOf(study), c => c.Silo.Equals(added.SiloAddress));
        engine.Script.Open(study);
        var status = await engine.WaitForPhaseAsync(study, SweepPhase.Finished);
        Assert.Equal(6, status.Counts.Completed);
    }
}

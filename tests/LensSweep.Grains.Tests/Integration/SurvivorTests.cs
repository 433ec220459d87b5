using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>Trials on silos that stay up are not disturbed when another silo dies (issue 10 §4).</summary>
public sealed class SurvivorTests
{
    [Fact]
    public Task Killing_one_silo_leaves_every_trial_on_the_survivors_training_each_epoch_exactly_once() =>
        KillOneSiloAsync("survivors", readTrialsLikeAWatch: false);

    /// <summary>A console's watch asks every running trial for its progress; after a silo's death those calls must
    /// reach the trials' activations on the survivors, not make second ones (which restarted their epochs).</summary>
    [Fact]
    public Task Killing_one_silo_while_a_watch_reads_every_trial_leaves_the_survivors_training_each_epoch_exactly_once() =>
        KillOneSiloAsync("watched", readTrialsLikeAWatch: true);

    /// <summary>With two slot silos surviving, a call that makes a second activation can place it on the survivor that
    /// does not hold the trial's slot, which then moves it to the one that does.</summary>
    [Fact]
    public Task Killing_one_of_three_slot_silos_while_a_watch_reads_every_trial_leaves_the_survivors_training_each_epoch_exactly_once() =>
        KillOneSiloAsync("watched3", readTrialsLikeAWatch: true, silos: 4, trials: 6);

    /// <summary>Orleans' default grain directory deactivates, on every silo that stays up, each activation whose directory
    /// registration the dead silo held, and the next call re-activates it from its checkpoint: the epoch it was training
    /// is lost, and a call placed on the wrong survivor logs "moves to silo" for a trial that never left its own. The study
    /// is named so that the default directory keeps every trial's registration on the silo that dies, so the trials on
    /// the survivor are exactly the ones that directory would deactivate.</summary>
    [Fact]
    public Task Killing_the_silo_that_holds_the_survivors_directory_registrations_leaves_them_training_each_epoch_exactly_once() =>
        KillOneSiloAsync("registered", readTrialsLikeAWatch: true, victimHoldsTheRegistrations: true);

    private static async Task KillOneSiloAsync(string study, bool readTrialsLikeAWatch, short silos = 3, int trials = 4, bool victimHoldsTheRegistrations = false)
    {
        await using var engine = await EngineCluster.StartAsync(silos);
        var slotSilos = engine.Cluster.Silos.Where(s => EngineCluster.HasSlots(s.Name)).ToList();
        var victim = slotSilos[0];
        var coordinator = engine.Cluster.Silos.Single(s => !EngineCluster.HasSlots(s.Name));
        if (victimHoldsTheRegistrations)
        {
            (study, victim) = StudyRegisteredOnOneSlotSilo(engine, study, trials, coordinator, slotSilos);
        }

        // Every trial checkpoints epoch 1 and blocks; the sweep lives on the silo without slots, which stays up.
        engine.Script.Hold(study, fromEpoch: 1);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, coordinator.SiloAddress);
        try
        {
            await engine.Sweep(study).StartAsync(EngineCluster.Plan(study, trials, EngineCluster.FullBudget(3), maxConcurrent: trials));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        await EngineCluster.WaitUntilAsync(
            () => Task.FromResult(engine.Script.CallsOf(study).Count(c => c.FromEpoch == 1) == trials && engine.Script.Running($"study:{study}") == trials),
            TimeSpan.FromSeconds(60), () => $"{trials} trials to block at epoch 1");
        var survivors = engine.Script.CallsOf(study).Where(c => c.FromEpoch == 1 && !c.Silo.Equals(victim.SiloAddress)).Select(c => c.Trial).ToHashSet();

        await engine.Cluster.KillSiloAsync(victim);
        var watchUntil = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        do
        {
            if (readTrialsLikeAWatch)
            {
                await Task.WhenAll(Enumerable.Range(0, trials).Select(async trial =>
                {
                    try
                    {
                        await engine.Client.GetGrain<ITrialGrain>(TrialKeys.GrainKey(study, trial)).GetInfoAsync();
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // A trial of the dead silo may not answer while the cluster notices; the watch retries too.
                    }
                }));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        while (DateTime.UtcNow < watchUntil);
        engine.Script.Open(study);
        var status = await engine.WaitForPhaseAsync(study, SweepPhase.Finished, TimeSpan.FromSeconds(120));

        Assert.Equal(trials, status.Counts.Completed);
        Assert.Equal(trials - (trials / (silos - 1)), survivors.Count);
        var calls = engine.Script.CallsOf(study).ToList();
        Assert.All(survivors, trial =>
        {
            var epochs = calls.Where(c => c.Trial == trial).SelectMany(c => Enumerable.Range(c.FromEpoch, c.ToEpoch - c.FromEpoch)).ToList();
            Assert.Equal([0, 1, 2], epochs);
        });
    }

    /// <summary>A study id (<paramref name="prefix"/>-N) whose every trial the default grain directory registers on one
    /// slot silo, and that silo. Pure hashing: nothing is activated.</summary>
    private static (string Study, InProcessSiloHandle Owner) StudyRegisteredOnOneSlotSilo(
        EngineCluster engine, string prefix, int trials, InProcessSiloHandle asSeenBy, IReadOnlyList<InProcessSiloHandle> slotSilos)
    {
        var trialType = engine.Client.GetGrain<ITrialGrain>(TrialKeys.GrainKey(prefix, 0)).GetGrainId().Type;
        for (var n = 0; n < 1_000_000; n++)
        {
            var study = $"{prefix}-{n}";
            var owners = Enumerable.Range(0, trials)
                .Select(trial => engine.DefaultDirectoryOwner(asSeenBy, GrainId.Create(trialType, TrialKeys.GrainKey(study, trial))))
                .Distinct()
                .ToList();
            if (owners is [var owner] && slotSilos.FirstOrDefault(s => s.SiloAddress.Equals(owner)) is { } silo)
            {
                return (study, silo);
            }
        }

        throw new InvalidOperationException($"No study id {prefix}-N has all {trials} trials registered on one slot silo.");
    }
}

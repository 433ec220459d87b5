namespace LensSweep.Silo.Health;

/// <summary>
/// The autoscaling rule: a study's waiting trials count only as far as it may still start them. A study holding
/// <c>slotsHeld</c> of its <c>max_concurrent_trials</c> can use at most the difference more, however many trials it
/// has not started, so a 100-trial grid capped at 4 asks for 4 slots, not 100.
/// </summary>
public static class WaitingTrials
{
    /// <param name="waiting">Trials the study has not started.</param>
    /// <param name="slotsHeld">Device slots the study holds now (its trials' leases).</param>
    /// <param name="maxConcurrentTrials">The study's cap; 0 or less when unknown (no cap applied).</param>
    public static int Capped(int waiting, int slotsHeld, int maxConcurrentTrials)
    {
        var unstarted = Math.Max(0, waiting);
        return maxConcurrentTrials <= 0 ? unstarted : Math.Clamp(maxConcurrentTrials - slotsHeld, 0, unstarted);
    }
}

using LensSweep.Grains.Trials;

namespace LensSweep.Client.Studies;

/// <summary>One trial's configuration and its score at the end of every rung it reached.</summary>
/// <param name="FailureReason">Why a failed trial failed, one line naming the rung; null otherwise.</param>
/// <param name="Initial">Its encoder's evaluations at epoch 0, before training (the random-init baseline); null when not run.</param>
public sealed record TrialTrajectory(
    string TrialId,
    TrialState State,
    IReadOnlyList<Hyperparameter> Parameters,
    IReadOnlyList<RungScore> Rungs,
    string? FailureReason = null,
    ProbeScores? Initial = null)
{
    /// <summary>The score at the highest rung reached, the one ASHA judges the trial by; null before the first rung ends.</summary>
    public RungScore? Latest => Rungs.Count == 0 ? null : Rungs.MaxBy(r => r.Rung);

    public ParameterValue? ValueOf(string parameter) =>
        Parameters.FirstOrDefault(p => p.Name == parameter)?.Value;
}

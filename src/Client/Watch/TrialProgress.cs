using LensSweep.Client.Studies;

namespace LensSweep.Client.Watch;

/// <summary>Where one trial is right now.</summary>
/// <param name="Rung">The rung it trains toward (or last finished, when not running).</param>
/// <param name="Epoch">Epochs done so far, in total.</param>
/// <param name="TargetEpochs">Total epochs its current rung ends at; 0 when unknown.</param>
/// <param name="Score">Probe score at its last finished rung.</param>
/// <param name="Slot">The device slot it holds (e.g. <c>cuda:0</c>), while running.</param>
public sealed record TrialProgress(
    string TrialId,
    TrialState State,
    int Rung,
    int Epoch,
    int TargetEpochs,
    double? Score,
    string? Slot,
    IReadOnlyList<Hyperparameter> Parameters)
{
    /// <summary>Share of the current rung's epochs done, 0 to 1.</summary>
    public double Fraction => TargetEpochs <= 0 ? 0 : Math.Clamp((double)Epoch / TargetEpochs, 0, 1);
}

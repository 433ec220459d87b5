
namespace LensSweep.Reporting.Studies;

/// <summary>Where one trial is right now.</summary>
/// <param name="Rung">The rung it trains toward (or last finished, when not running).</param>
/// <param name="Epoch">Epochs done so far, in total.</param>
/// <param name="TargetEpochs">Total epochs its current rung ends at; 0 when unknown.</param>
/// <param name="Score">Probe score at its last finished rung.</param>
/// <param name="Slot">The device slot it holds (e.g. <c>cuda:0</c>), while running.</param>
public sealed record LiveTrial(
    string TrialId,
    TrialPhase State,
    int Rung,
    int Epoch,
    int TargetEpochs,
    double? Score,
    string? Slot,
    IReadOnlyList<ParameterSetting> Parameters)
{
    /// <summary>Steps of the epoch in training done, out of <see cref="StepsPerEpoch"/> (0 when unknown).</summary>
    public int StepsDone { get; init; }

    public int StepsPerEpoch { get; init; }

    /// <summary>Latest training loss; null before the first step.</summary>
    public double? Loss { get; init; }

    /// <summary>Training throughput of the latest step; 0 when unknown.</summary>
    public double ImagesPerSecond { get; init; }

    /// <summary>Steps per second at that throughput; 0 when unknown.</summary>
    public double StepsPerSecond { get; init; }

    /// <summary>Epochs done, counting the steps of the epoch in training as a fraction of it.</summary>
    public double EpochsDone => StepsPerEpoch > 0 ? Epoch + Math.Min(StepsDone, StepsPerEpoch) / (double)StepsPerEpoch : Epoch;

    /// <summary>Share of the epochs to the current rung's end done, 0 to 1; moves with every step.</summary>
    public double Fraction => TargetEpochs <= 0 ? 0 : Math.Clamp(EpochsDone / TargetEpochs, 0, 1);

    /// <summary>Time left to the rung's end at the latest pace; null when the pace or the end is unknown.</summary>
    public TimeSpan? Remaining => TargetEpochs > 0 && StepsPerEpoch > 0 && StepsPerSecond > 0
        ? TimeSpan.FromSeconds(Math.Max(0, (TargetEpochs - EpochsDone) * StepsPerEpoch / StepsPerSecond))
        : null;
}

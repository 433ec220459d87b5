using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Trials;

/// <summary>What one <see cref="ITrialTrainer.TrainRungAsync"/> call produced.</summary>
/// <param name="Scores">The probe's scores; null when the call was not asked to probe.</param>
/// <param name="Cost">What this call cost.</param>
/// <param name="LossCurve">Mean training loss of each epoch trained by this call, in order.</param>
[GenerateSerializer, Immutable, Alias("lenssweep.RungOutcome")]
public sealed record RungOutcome(
    [property: Id(0)] ProbeScores? Scores,
    [property: Id(1)] TrialCost Cost,
    [property: Id(2)] IReadOnlyList<double> LossCurve)
{
    /// <summary>Where the call stopped when it was asked to stop early (its checkpoint is at
    /// <see cref="TrialWork.StopCheckpointKey"/>); null when it trained to <see cref="TrialWork.ToEpoch"/>.</summary>
    [Id(3)]
    public StepPosition? StoppedAt { get; init; }
}

/// <summary>A step boundary of a trial's training: <see cref="Step"/> steps of zero-based <see cref="Epoch"/> are done.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.StepPosition")]
public sealed record StepPosition([property: Id(0)] int Epoch, [property: Id(1)] int Step)
{
    public override string ToString() => $"epoch {Epoch} step {Step}";
}

/// <summary>A frozen encoder's linear-probe scores.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.ProbeScores")]
public sealed record ProbeScores(
    [property: Id(0)] double ValAuc,
    [property: Id(1)] double ValAccuracy,
    [property: Id(2)] double? TestAuc = null,
    [property: Id(3)] double? TestAccuracy = null)
{
    /// <summary>The score a study ranks by.</summary>
    public double Get(ProbeMetric metric) => metric switch
    {
        ProbeMetric.ValAuc => ValAuc,
        ProbeMetric.ValAccuracy => ValAccuracy,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown probe metric."),
    };
}

/// <summary>Compute spent: wall-clock seconds on the device and floating-point operations.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.TrialCost")]
public sealed record TrialCost([property: Id(0)] double Seconds, [property: Id(1)] double Flops)
{
    public static TrialCost Zero { get; } = new(0, 0);

    public static TrialCost operator +(TrialCost a, TrialCost b) => new(a.Seconds + b.Seconds, a.Flops + b.Flops);
}

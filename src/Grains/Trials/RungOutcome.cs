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

/// <summary>A metric on a held-out split: its value and 95% bootstrap interval (NaN bounds when unknown).</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.MetricReading")]
public sealed record MetricReading([property: Id(0)] double Value, [property: Id(1)] double Low, [property: Id(2)] double High)
{
    public static MetricReading Of(double value) => new(value, double.NaN, double.NaN);
}

/// <summary>A frozen encoder's scores: the linear probe's (always), and every evaluation the trainer ran,
/// by metric name, on the validation split (decisions) and the test split (reported only).</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.ProbeScores")]
public sealed record ProbeScores(
    [property: Id(0)] double ValAuc,
    [property: Id(1)] double ValAccuracy,
    [property: Id(2)] double? TestAuc = null,
    [property: Id(3)] double? TestAccuracy = null)
{
    private static readonly IReadOnlyDictionary<string, MetricReading> None = new Dictionary<string, MetricReading>();

    /// <summary>Every evaluation on the validation split, by metric name (e.g. <c>probe_auc</c>, <c>r2_macro</c>).</summary>
    [Id(4)]
    public IReadOnlyDictionary<string, MetricReading> Validation { get; init; } = None;

    /// <summary>The same evaluations on the test split: reported, never used for a decision.</summary>
    [Id(5)]
    public IReadOnlyDictionary<string, MetricReading> Test { get; init; } = None;

}

/// <summary>Compute spent: wall-clock seconds on the device and floating-point operations.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.TrialCost")]
public sealed record TrialCost([property: Id(0)] double Seconds, [property: Id(1)] double Flops)
{
    public static TrialCost Zero { get; } = new(0, 0);

    public static TrialCost operator +(TrialCost a, TrialCost b) => new(a.Seconds + b.Seconds, a.Flops + b.Flops);
}

namespace LensSweep.Models.Evaluation;

/// <summary>An evaluation on one held-out split: its value and 95% bootstrap interval (NaN bounds when unknown).</summary>
public sealed record MetricValue(double Value, double Low, double High)
{
    /// <summary>The statistic on each bootstrap draw of the split's rows, in draw order (empty when not bootstrapped):
    /// kept so a gain over another encoder scored on the same split can be bootstrapped paired
    /// (<see cref="PairedGain"/>).</summary>
    public IReadOnlyList<double> Resamples { get; init; } = [];

    // Records compare lists by reference; two evaluations are the same when their draws are.
    public bool Equals(MetricValue? other) =>
        other is not null && Value.Equals(other.Value) && Low.Equals(other.Low) && High.Equals(other.High) && Resamples.SequenceEqual(other.Resamples);

    public override int GetHashCode() => HashCode.Combine(Value, Low, High, Resamples.Count);
}

/// <summary>Every evaluation of one encoder (or of raw pixels), by metric name, on validation (decisions) and test (reported only).</summary>
public sealed record EvaluationResult(IReadOnlyDictionary<string, MetricValue> Validation, IReadOnlyDictionary<string, MetricValue> Test);

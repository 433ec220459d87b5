namespace LensSweep.Models.Evaluation;

/// <summary>
/// What pretraining added to an evaluation: the trained encoder's value minus the same network's value at
/// initialisation (for a loss, the initial value minus the trained one, so a gain is always "higher is
/// better"). Both were scored on the same split with the same bootstrap draws, so the interval is the
/// percentile interval of the per-draw differences — a paired bootstrap. It is much narrower than the
/// trained value's own interval when the two encoders find the same images hard, which on one validation
/// split they mostly do: that correlation is exactly what an unpaired interval throws away.
/// </summary>
public static class PairedGain
{
    public static MetricValue Of(string metric, MetricValue trained, MetricValue initial, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(initial);
        var sign = EvaluationMetrics.IsLoss(metric) ? -1 : 1;
        var value = sign * (trained.Value - initial.Value);
        if (trained.Resamples.Count >= 2 && trained.Resamples.Count == initial.Resamples.Count)
        {
            var differences = trained.Resamples.Zip(initial.Resamples, (t, i) => sign * (t - i)).ToArray();
            var (low, high) = BootstrapInterval.Percentile(differences, level);
            return new MetricValue(value, low, high) { Resamples = differences };
        }

        // Without the draws (a trial scored before they were kept), the trained interval shifted by the
        // initial value, which is treated as known: wider than the paired one, never narrower.
        return sign > 0
            ? new MetricValue(value, trained.Low - initial.Value, trained.High - initial.Value)
            : new MetricValue(value, initial.Value - trained.High, initial.Value - trained.Low);
    }

    /// <summary>The gain of every evaluation both results have, under its <see cref="EvaluationMetrics.GainOf"/> name.</summary>
    public static IReadOnlyDictionary<string, MetricValue> All(IReadOnlyDictionary<string, MetricValue> trained, IReadOnlyDictionary<string, MetricValue> initial)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(initial);
        return trained
            .Where(m => !EvaluationMetrics.IsGain(m.Key) && initial.ContainsKey(m.Key))
            .ToDictionary(m => EvaluationMetrics.GainOf(m.Key), m => Of(m.Key, m.Value, initial[m.Key]), StringComparer.Ordinal);
    }
}

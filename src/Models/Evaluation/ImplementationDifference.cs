namespace LensSweep.Models.Evaluation;

/// <summary>
/// Two implementations' difference on one metric over their seeds (a cross-check of LensSweep against a reference):
/// the mean of one side's per-seed values minus the other's, with the percentile bootstrap interval of that
/// difference over seeds. Each side's seeds are drawn on their own: seed k is not the same network on both sides
/// (their random streams differ), so the seeds do not pair. The interval is the seed-to-seed spread only, and with
/// few seeds it is coarse: with two per side it cannot reach beyond the per-seed extremes.
/// </summary>
public static class ImplementationDifference
{
    /// <param name="ours">One value per seed of the first implementation.</param>
    /// <param name="theirs">One value per seed of the second.</param>
    /// <returns>Mean of <paramref name="ours"/> minus mean of <paramref name="theirs"/>; NaN bounds when a side has
    /// fewer than two seeds.</returns>
    public static MetricValue Of(IReadOnlyList<double> ours, IReadOnlyList<double> theirs, int resamples = BootstrapInterval.DefaultResamples, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        if (ours.Count == 0 || theirs.Count == 0)
            throw new ArgumentException("Each side needs at least one seed.", ours.Count == 0 ? nameof(ours) : nameof(theirs));

        var value = ours.Average() - theirs.Average();
        var a = BootstrapInterval.Resample(ours.Count, rows => rows.Average(i => ours[i]), resamples, seed);
        var b = BootstrapInterval.Resample(theirs.Count, rows => rows.Average(i => theirs[i]), resamples, seed + 1);
        if (a.Length == 0 || b.Length == 0)
            return new MetricValue(value, double.NaN, double.NaN);

        var draws = a.Zip(b, (x, y) => x - y).ToArray();
        var (low, high) = BootstrapInterval.Percentile(draws);
        return new MetricValue(value, low, high) { Resamples = draws };
    }
}

namespace LensSweep.Models.Evaluation;

/// <summary>
/// Percentile bootstrap over the rows of a held-out split: the statistic is recomputed on rows drawn with
/// replacement, and the 2.5th and 97.5th percentiles of those values bound it. The predictions stay fixed
/// (the probe is not refitted), so the interval is the split's sampling noise — what decides whether two
/// configurations differ beyond the size of the validation set. Deterministic for a seed.
/// </summary>
public static class BootstrapInterval
{
    public const int DefaultResamples = 1000;

    /// <param name="rows">Rows in the split.</param>
    /// <param name="statistic">The statistic of the rows at the given indices (repeats allowed).</param>
    public static (double Low, double High) Percentile(int rows, Func<int[], double> statistic, int resamples = DefaultResamples, int seed = 0, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        if (rows < 2 || resamples < 2)
        {
            return (double.NaN, double.NaN);
        }

        var random = new Random(seed);
        var values = new List<double>(resamples);
        var indices = new int[rows];
        for (var b = 0; b < resamples; b++)
        {
            for (var i = 0; i < rows; i++)
            {
                indices[i] = random.Next(rows);
            }

            var value = statistic(indices);
            if (double.IsFinite(value))
            {
                values.Add(value);
            }
        }

        if (values.Count < 2)
        {
            return (double.NaN, double.NaN);
        }

        values.Sort();
        var tail = (1 - level) / 2;
        return (Quantile(values, tail), Quantile(values, 1 - tail));
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}

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
    public static (double Low, double High) Percentile(int rows, Func<int[], double> statistic, int resamples = DefaultResamples, int seed = 0, double level = 0.95) =>
        Percentile(Resample(rows, statistic, resamples, seed), level);

    /// <summary>A score of a held-out split with its interval and draws: <paramref name="value"/> (the statistic on every
    /// row), the percentile interval of <paramref name="statistic"/> over <paramref name="resamples"/> draws of the
    /// <paramref name="rows"/>, and the draws kept for a paired gain (<see cref="PairedGain"/>).</summary>
    public static MetricValue Metric(double value, int rows, Func<int[], double> statistic, int resamples = DefaultResamples, int seed = 0, double level = 0.95)
    {
        var draws = Resample(rows, statistic, resamples, seed);
        var (low, high) = Percentile(draws, level);
        return new MetricValue(value, low, high) { Resamples = draws };
    }

    /// <summary>As the other overload, with the value the statistic of every row.</summary>
    public static MetricValue Metric(int rows, Func<int[], double> statistic, int resamples = DefaultResamples, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        return Metric(statistic([.. Enumerable.Range(0, rows)]), rows, statistic, resamples, seed);
    }

    /// <summary>The statistic on each of <paramref name="resamples"/> draws of the rows with replacement, in draw
    /// order (NaN where it is undefined; empty when there are too few rows). The draws depend only on
    /// <paramref name="rows"/>, <paramref name="resamples"/> and <paramref name="seed"/>: two encoders scored on
    /// the same split see the same draws, which is what makes a paired difference of their resamples meaningful.</summary>
    public static double[] Resample(int rows, Func<int[], double> statistic, int resamples = DefaultResamples, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        if (rows < 2 || resamples < 2)
        {
            return [];
        }

        var random = new Random(seed);
        var values = new double[resamples];
        var indices = new int[rows];
        for (var b = 0; b < resamples; b++)
        {
            for (var i = 0; i < rows; i++)
            {
                indices[i] = random.Next(rows);
            }

            values[b] = statistic(indices);
        }

        return values;
    }

    /// <summary>The central <paramref name="level"/> percentile interval of the finite values (NaN bounds when fewer than two).</summary>
    public static (double Low, double High) Percentile(IEnumerable<double> values, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count < 2)
        {
            return (double.NaN, double.NaN);
        }

        finite.Sort();
        var tail = (1 - level) / 2;
        return (Quantile(finite, tail), Quantile(finite, 1 - tail));
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

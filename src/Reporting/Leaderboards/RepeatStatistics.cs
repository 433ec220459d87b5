using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Leaderboards;

/// <summary>
/// A configuration's repeats as one leaderboard row: the mean of their scores at the rung they share, the
/// standard deviation, n, and a 95% Student-t interval of the mean (what the repeats say about the
/// configuration, unlike one repeat's bootstrap interval, which only resamples the validation split).
/// </summary>
public static class RepeatStatistics
{
    /// <summary>t quantiles (0.975) for 1..30 degrees of freedom; beyond, the normal 1.96.</summary>
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    public static double TQuantile975(int degreesOfFreedom) =>
        degreesOfFreedom < 1 ? double.NaN : degreesOfFreedom <= T975.Length ? T975[degreesOfFreedom - 1] : 1.96;

    /// <summary>The mean, sample standard deviation (null below two values) and 95% interval of the mean (null below two).</summary>
    public static (double Mean, double? Sd, (double Low, double High)? Interval) Summarise(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return (double.NaN, null, null);
        }

        var mean = values.Average();
        if (values.Count < 2)
        {
            return (mean, null, null);
        }

        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        var half = TQuantile975(values.Count - 1) * sd / Math.Sqrt(values.Count);
        return (mean, sd, (mean - half, mean + half));
    }

    /// <summary>One row for a configuration's repeats (rank left to the caller).</summary>
    public static LeaderboardRow Aggregate(IReadOnlyList<LeaderboardRow> repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        var first = repeats[0];
        var scored = repeats.Where(r => r.Score is not null).ToList();
        var rung = scored.Count == 0 ? first.Rung : scored.Min(r => r.Rung);
        var atRung = scored.Where(r => r.Rung == rung).ToList();
        var (mean, sd, interval) = Summarise([.. atRung.Select(r => r.Score!.Value)]);
        var failed = repeats.FirstOrDefault(r => r.FailureReason is not null);
        return new LeaderboardRow(
            0,
            first.TrialId,
            StateOf(repeats),
            rung,
            atRung.Count == 0 ? first.Epochs : atRung.Min(r => r.Epochs),
            atRung.Count == 0 ? null : mean,
            repeats.Sum(r => r.Seconds),
            repeats.All(r => r.Flops is not null) ? repeats.Sum(r => r.Flops) : null,
            first.Parameters,
            failed is null ? null : $"{failed.TrialId} {failed.FailureReason}")
        {
            ScoreInterval = interval,
            ScoreSd = sd,
            N = atRung.Count,
            Gain = MeanOf(atRung.Select(r => r.Gain)),
            RandomInitScore = MeanOf(atRung.Select(r => r.RandomInitScore)),
            TestScore = MeanOf(atRung.Select(r => r.TestScore)),
            Metrics = atRung.SelectMany(r => r.Metrics).GroupBy(m => m.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Average(m => m.Value), StringComparer.Ordinal),
            TrialIds = [.. repeats.Select(r => r.TrialId)],
        };
    }

    private static double? MeanOf(IEnumerable<double?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return known.Count == 0 ? null : known.Average();
    }

    /// <summary>Failed if any repeat failed, running while any runs, completed when all completed.</summary>
    private static TrialPhase StateOf(IReadOnlyList<LeaderboardRow> repeats) =>
        repeats.Any(r => r.State == TrialPhase.Failed) ? TrialPhase.Failed
        : repeats.Any(r => r.State == TrialPhase.Running) ? TrialPhase.Running
        : repeats.All(r => r.State == TrialPhase.Completed) ? TrialPhase.Completed
        : repeats.Select(r => r.State).Min();
}

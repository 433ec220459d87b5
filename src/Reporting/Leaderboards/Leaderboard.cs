using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Leaderboards;

/// <summary>A study's trials ranked by probe score.</summary>
/// <param name="Metric">Name of the probe score the rows are ranked by.</param>
/// <param name="Parameters">ParameterSetting names, in the order their columns appear.</param>
/// <param name="Mode">Whether a higher or a lower score ranks first.</param>
public sealed record Leaderboard(
    string StudyId,
    string Metric,
    IReadOnlyList<string> Parameters,
    IReadOnlyList<LeaderboardRow> Rows,
    MetricMode Mode = MetricMode.Max)
{
    /// <summary>
    /// Ranks trials by <see cref="TrialRanking"/>, the rule the engine ranks by: the score at the highest rung
    /// each reached (the score ASHA itself judges them by), in the study's direction; trials with no
    /// finished rung (failed or still training) come last.
    /// </summary>
    public static Leaderboard Rank(StudyResults results)
    {
        var metric = MetricNames.Parse(results.Study.Metric);
        var byId = results.Trials.OrderBy(t => TrialKeys.TrialNumberOf(t.TrialId) ?? int.MaxValue).ThenBy(t => t.TrialId, StringComparer.Ordinal).ToList();
        var rows = byId.Select(trial => ToRow(0, trial, metric)).ToList();
        if (results.Study.Repeats > 1)
        {
            rows = [.. rows.GroupBy(r => (TrialKeys.TrialNumberOf(r.TrialId) ?? int.MaxValue) / results.Study.Repeats).Select(g => RepeatStatistics.Aggregate(g.ToList()))];
        }

        var ordered = TrialRanking.Order(rows, r => new RankingKey(TrialKeys.TrialNumberOf(r.TrialId) ?? rows.IndexOf(r), r.Score ?? double.NaN, r.Epochs), results.Study.Mode)
            .Select((row, index) => row with { Rank = index + 1 })
            .ToList();
        var parameters = results.SearchedParameters.Count > 0
            ? results.SearchedParameters
            : results.Trials.SelectMany(t => t.Parameters.Select(p => p.Name)).Distinct().ToList();
        return new Leaderboard(results.Study.StudyId, results.Study.Metric, parameters, ordered, results.Study.Mode)
        {
            PixelBaseline = results.PixelBaseline is { } pixels ? Evaluations(pixels) : new Dictionary<string, double>(),
            PixelBaselineFailure = results.PixelBaseline is null ? results.PixelBaselineFailure : null,
            Probe = results.Study.Probe,
        };
    }

    /// <summary>The study's raw-pixel baseline: every evaluation on pixels, by name; empty when not computed.</summary>
    public IReadOnlyDictionary<string, double> PixelBaseline { get; init; } = new Dictionary<string, double>();

    /// <summary>Why the study's raw-pixel baseline could not be computed; null when it was, or is still to come.</summary>
    public string? PixelBaselineFailure { get; init; }

    /// <summary>The probe settings every score was made with; null when not known.</summary>
    public ProbeSettings? Probe { get; init; }

    /// <summary>The trials of the scored rows, best first (a row of repeats lists each of its trials): where the
    /// study's best trained encoder is to be found.</summary>
    public IEnumerable<string> ScoredTrialIds() =>
        Rows.Where(r => r.Score is { } score && double.IsFinite(score)).OrderBy(r => r.Rank).SelectMany(r => r.TrialIds);

    public Leaderboard Top(int count) => this with { Rows = Rows.Take(count).ToList() };

    private static LeaderboardRow ToRow(int rank, TrialTrajectory trial, MetricName metric)
    {
        var latest = trial.Latest;
        var scores = latest?.Scores;
        var reading = scores is null ? null : MetricNames.Score(metric, scores, trial.Initial);
        var evaluation = scores is null ? (double?)null : Finite(MetricNames.Read(scores, metric.Evaluation).Value);
        var randomInit = trial.Initial is null ? null : Finite(MetricNames.Read(trial.Initial, metric.Evaluation).Value);
        return new LeaderboardRow(
            rank,
            trial.TrialId,
            trial.State,
            latest?.Rung ?? 0,
            latest?.Epochs ?? 0,
            latest?.Score,
            latest?.Seconds ?? 0,
            latest?.Flops,
            trial.Parameters,
            trial.FailureReason)
        {
            ScoreInterval = reading is { } r && double.IsFinite(r.Low) && double.IsFinite(r.High) ? (r.Low, r.High) : null,
            Gain = scores is null || trial.Initial is null ? null : Finite(MetricNames.Score(metric with { IsGain = true }, scores, trial.Initial).Value),
            RandomInitScore = randomInit,
            TestScore = scores is null ? null : Finite(MetricNames.Read(scores, metric.Evaluation, test: true).Value),
            Metrics = scores is null ? new Dictionary<string, double>() : Evaluations(scores),
            TrialIds = [trial.TrialId],
            N = latest is null ? 0 : 1,
        };
    }

    /// <summary>Every validation evaluation by name, the probe's two scores included.</summary>
    public static IReadOnlyDictionary<string, double> Evaluations(ProbeScores scores)
    {
        var all = scores.Validation.ToDictionary(m => m.Key, m => m.Value.Value, StringComparer.Ordinal);
        all.TryAdd("probe_auc", scores.ValAuc);
        all.TryAdd("probe_accuracy", scores.ValAccuracy);
        return all;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

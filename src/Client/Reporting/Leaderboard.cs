using LensSweep.Client.Studies;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;

namespace LensSweep.Client.Reporting;

/// <summary>A study's trials ranked by probe score.</summary>
/// <param name="Metric">Name of the probe score the rows are ranked by.</param>
/// <param name="Parameters">Hyperparameter names, in the order their columns appear.</param>
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
        var byId = results.Trials.OrderBy(t => t.TrialId, StringComparer.Ordinal).ToList();
        var ordered = TrialRanking.Order(byId, t => Key(t, byId), results.Study.Mode)
            .Select((trial, index) => ToRow(index + 1, trial))
            .ToList();
        var parameters = results.SearchedParameters.Count > 0
            ? results.SearchedParameters
            : results.Trials.SelectMany(t => t.Parameters.Select(p => p.Name)).Distinct().ToList();
        return new Leaderboard(results.Study.StudyId, results.Study.Metric, parameters, ordered, results.Study.Mode);
    }

    public Leaderboard Top(int count) => this with { Rows = Rows.Take(count).ToList() };

    /// <summary>The trial number of an engine key breaks ties; a key that is not one keeps its name order.</summary>
    private static RankingKey Key(TrialTrajectory trial, List<TrialTrajectory> byId) =>
        new(TrialKeys.TrialNumberOf(trial.TrialId) ?? byId.IndexOf(trial), trial.Latest?.Score ?? double.NaN, trial.Latest?.Epochs ?? 0);

    private static LeaderboardRow ToRow(int rank, TrialTrajectory trial)
    {
        var latest = trial.Latest;
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
            trial.FailureReason);
    }
}

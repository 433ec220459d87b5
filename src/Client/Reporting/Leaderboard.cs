using LensSweep.Client.Studies;

namespace LensSweep.Client.Reporting;

/// <summary>A study's trials ranked by probe score.</summary>
/// <param name="Metric">Name of the probe score the rows are ranked by.</param>
/// <param name="Parameters">Hyperparameter names, in the order their columns appear.</param>
public sealed record Leaderboard(
    string StudyId,
    string Metric,
    IReadOnlyList<string> Parameters,
    IReadOnlyList<LeaderboardRow> Rows)
{
    /// <summary>
    /// Ranks trials by their score at the highest rung each reached, because that is the score ASHA itself
    /// judges them by; ties go to the trial trained longer (its score is the better estimate). Trials with
    /// no finished rung come last.
    /// </summary>
    public static Leaderboard Rank(StudyResults results)
    {
        var ordered = results.Trials
            .OrderBy(t => t.Latest is null)
            .ThenByDescending(t => t.Latest?.Score)
            .ThenByDescending(t => t.Latest?.Epochs)
            .ThenBy(t => t.TrialId, StringComparer.Ordinal)
            .Select((trial, index) => ToRow(index + 1, trial))
            .ToList();
        var parameters = results.SearchedParameters.Count > 0
            ? results.SearchedParameters
            : results.Trials.SelectMany(t => t.Parameters.Select(p => p.Name)).Distinct().ToList();
        return new Leaderboard(results.Study.StudyId, results.Study.Metric, parameters, ordered);
    }

    public Leaderboard Top(int count) => this with { Rows = Rows.Take(count).ToList() };

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
            trial.Parameters);
    }
}

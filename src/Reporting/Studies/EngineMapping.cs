using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;

namespace LensSweep.Reporting.Studies;

/// <summary>Turns the engine's grain records into the console's records.</summary>
public static class EngineMapping
{
    public static StudySummary Summary(SweepStatus status) => new(
        status.StudyId,
        status.StudyId,
        State(status),
        status.Metric,
        Counts(status.Counts),
        status.Best?.Score,
        status.StartedAt,
        status.Mode,
        status.Repeats)
    {
        Probe = status.Probe,
        RangeScales = status.RangeScales,
    };

    /// <summary>A finished study whose every trial failed failed as a whole; otherwise it completed.</summary>
    public static StudyState State(SweepStatus status) => status.Phase switch
    {
        SweepPhase.NotStarted => StudyState.Pending,
        SweepPhase.Running => StudyState.Running,
        SweepPhase.Cancelled => StudyState.Cancelled,
        _ => status.TrialCount > 0 && status.Counts.Failed == status.TrialCount ? StudyState.Failed : StudyState.Completed,
    };

    /// <summary>The console has no separate "cancelled" trial: a trial cut off by a cancel counts as stopped.</summary>
    public static PhaseCounts Counts(TrialCounts counts) => new(
        counts.Waiting, counts.Running, counts.Paused, counts.Stopped + counts.Cancelled, counts.Completed, counts.Failed);

    public static Studies.TrialPhase State(TrialStatus status) => status switch
    {
        TrialStatus.Pending => Studies.TrialPhase.Waiting,
        TrialStatus.Running or TrialStatus.Promoted => Studies.TrialPhase.Running,
        TrialStatus.Paused => Studies.TrialPhase.Paused,
        TrialStatus.Completed => Studies.TrialPhase.Completed,
        TrialStatus.Failed => Studies.TrialPhase.Failed,
        _ => Studies.TrialPhase.Stopped,
    };

    public static IReadOnlyList<ParameterSetting> Parameters(TrialConfig config) =>
        config.ToParameters().Select(p => new ParameterSetting(p.Name, p.ShownAsText ? ParameterValue.Of(p.Text) : ParameterValue.Of(p.Value))).ToList();

    /// <summary>A trial's ASHA trajectory: every rung it reported, with the cumulative cost at each.</summary>
    public static TrialTrajectory Trajectory(string studyId, LeaderboardEntry entry) => new(
        TrialKeys.GrainKey(studyId, entry.Trial),
        State(entry.Status),
        Parameters(entry.Config),
        entry.Rungs.Count > 0
            ? [.. entry.Rungs.Select((point, rung) => Point(rung, point.Epochs, point.Score, point.Cost ?? entry.Cost) with { Scores = point.Scores }).Where(p => double.IsFinite(p.Score))]
            : double.IsFinite(entry.Score) ? [Point(entry.Rung, entry.EpochsDone, entry.Score, entry.Cost) with { Scores = entry.Scores }] : [],
        FailureLine(entry),
        entry.InitialScores);

    /// <summary>A failed trial's reason as one line that names its rung: "rung 1: IOException: …".</summary>
    public static string? FailureLine(LeaderboardEntry entry) =>
        entry.FailureReason is not { } reason ? null
        : entry.FailedRung is { } rung ? $"rung {rung}: {OneLine(reason)}"
        : OneLine(reason);

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static RungScore Point(int rung, int epochs, double score, TrialCost cost) =>
        new(rung, epochs, score, cost.Seconds, cost.Flops > 0 ? cost.Flops : null);

    /// <summary>Hyperparameters that differ between trials: the ones the spec searches, one plot panel each.</summary>
    public static IReadOnlyList<string> Searched(IEnumerable<TrialTrajectory> trials) => Differing(trials.Select(t => t.Parameters));

    /// <summary>The names whose values differ between the given parameter lists, in the first list's order.</summary>
    public static IReadOnlyList<string> Differing(IEnumerable<IReadOnlyList<ParameterSetting>> parameterLists)
    {
        var list = parameterLists.ToList();
        return list.Count == 0
            ? []
            : list[0].Select(p => p.Name)
                .Where(name => list.Select(ps => ps.FirstOrDefault(p => p.Name == name)?.Value).Distinct().Count() > 1)
                .ToList();
    }
}

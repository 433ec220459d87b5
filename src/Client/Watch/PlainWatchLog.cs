using System.Globalization;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Watch;

/// <summary>
/// The watch view for pipes and CI logs: no redrawing, one line per event that matters (a trial changes
/// state or rung, or gets a new score; the study's counts or best score change). Epoch ticks are left out
/// so a long study's log stays proportional to its decisions, not its training time.
/// </summary>
public sealed class PlainWatchLog(TextWriter output)
{
    private readonly Dictionary<string, LiveTrial> _seen = new(StringComparer.Ordinal);
    private string? _lastSummary;

    public void Write(StudySnapshot snapshot)
    {
        if (snapshot.Reconnecting)
        {
            output.WriteLine(ReconnectingLine);
            _lastSummary = null;
            return;
        }

        foreach (var trial in snapshot.Trials.OrderBy(t => t.TrialId, StringComparer.Ordinal))
        {
            if (!_seen.TryGetValue(trial.TrialId, out var before)
                || before.State != trial.State || before.Rung != trial.Rung || before.Score != trial.Score)
            {
                output.WriteLine(TrialLine(trial));
            }

            _seen[trial.TrialId] = trial;
        }

        var summary = SummaryLine(snapshot);
        if (summary != _lastSummary)
        {
            output.WriteLine(summary);
            _lastSummary = summary;
        }
    }

    public const string ReconnectingLine = "lost contact with the cluster; reconnecting (the study keeps running on its silos)";

    public static string TrialLine(LiveTrial trial)
    {
        var score = trial.Score is { } s ? $" score {s.ToString("0.0000", CultureInfo.InvariantCulture)}" : string.Empty;
        var slot = trial.Slot is null ? string.Empty : $" on {trial.Slot}";
        var target = trial.TargetEpochs > 0 ? $"/{trial.TargetEpochs}" : string.Empty;
        var epochs = trial.State == TrialPhase.Running ? $" epoch {trial.Epoch}{target}" : string.Empty;
        var parameters = trial.Parameters.Count > 0 ? $" ({ProgressCells.Describe(trial.Parameters)})" : string.Empty;
        return $"  {trial.TrialId} {Naming.Of(trial.State)} rung {trial.Rung}{epochs}{slot}{score}{parameters}";
    }

    public static string SummaryLine(StudySnapshot snapshot)
    {
        var study = snapshot.Study;
        var c = study.Trials;
        var best = study.BestScore?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-";
        return $"{study.StudyId} {Naming.Of(study.State)}: waiting {c.Waiting}, running {c.Running}, paused {c.Paused}, "
            + $"stopped {c.Stopped}, completed {c.Completed}, failed {c.Failed}; {WatchRenderer.LeaderLabel} {study.Metric} {best}; "
            + $"slots {snapshot.SlotsBusy}/{snapshot.SlotsTotal} busy";
    }
}

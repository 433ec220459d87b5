using LensSweep.Reporting.Leaderboards;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Web;

/// <summary>
/// One study as the study page shows it and <c>/api/studies</c> returns it: the console's leaderboard cells, its
/// running trials' progress as the watch shows it, and its failed trials with their reasons.
/// </summary>
/// <param name="SlotsBusy">Device slots its trials hold now, of <paramref name="SlotsTotal"/> in the cluster.</param>
/// <param name="Plots">Paths of its figures, as SVG, relative to the page and versioned by its results (<c>api/studies/ID/scaling.svg?v=STAMP</c>).</param>
public sealed record StudyView(
    string Id,
    string State,
    string Metric,
    PhaseCounts Trials,
    int SlotsBusy,
    int SlotsTotal,
    LeaderboardView Leaderboard,
    IReadOnlyList<RunningTrialView> Running,
    IReadOnlyList<FailedTrialView> Failed,
    IReadOnlyList<string> Plots)
{
    public static StudyView Of(StudyResults results, StudySnapshot snapshot)
    {
        var leaderboard = Leaderboards.Leaderboard.Rank(results);
        var id = results.Study.StudyId;
        var stamp = ResultsStamp.Of(results);
        return new StudyView(
            id,
            Naming.Of(snapshot.Study.State),
            results.Study.Metric,
            snapshot.Study.Trials,
            snapshot.SlotsBusy,
            snapshot.SlotsTotal,
            LeaderboardView.Of(leaderboard),
            [.. snapshot.Trials
                .Where(t => t.State == TrialPhase.Running)
                .OrderBy(t => t.TrialId, StringComparer.Ordinal)
                .Select(RunningTrialView.Of)],
            [.. LeaderboardCells.Failed(leaderboard).Select(r => new FailedTrialView(r.TrialId, r.FailureReason!))],
            [.. StudyFigures.Names.Select(name => StudyFigures.Path(id, name, stamp))]);
    }
}

/// <param name="Rows">Best first, as <c>lenssweep leaderboard</c> ranks them.</param>
/// <param name="Notes">What the console prints under its table: the raw-pixel baseline, or that there are no trials yet.</param>
public sealed record LeaderboardView(IReadOnlyList<string> Columns, IReadOnlyList<int> NumericColumns, int StateColumn, IReadOnlyList<LeaderboardRowView> Rows, IReadOnlyList<string> Notes)
{
    public static LeaderboardView Of(Leaderboard leaderboard)
    {
        var columns = LeaderboardCells.Columns(leaderboard);
        List<string> notes = [];
        if (LeaderboardCells.PixelNote(leaderboard) is { } pixels)
        {
            notes.Add(pixels);
        }

        if (leaderboard.Rows.Count == 0)
        {
            notes.Add(LeaderboardCells.NoTrials);
        }

        return new LeaderboardView(
            columns,
            [.. Enumerable.Range(0, columns.Count).Where(LeaderboardCells.IsNumeric)],
            LeaderboardCells.StateColumn,
            [.. leaderboard.Rows.Select(r => new LeaderboardRowView(r.TrialId, Naming.Of(r.State), LeaderboardCells.Cells(leaderboard, r)))],
            notes);
    }
}

public sealed record LeaderboardRowView(string TrialId, string State, IReadOnlyList<string> Cells);

/// <param name="Fraction">Share of the epochs to its rung's end done, 0 to 1.</param>
/// <param name="Percent">The same as text ("42%"); null when the rung's end is unknown.</param>
/// <param name="Cells">The row as the watch shows it, one text per column of <see cref="ProgressCells.Columns"/>.</param>
public sealed record RunningTrialView(
    string TrialId,
    string Slot,
    int Rung,
    string Epoch,
    double Fraction,
    string? Percent,
    string Loss,
    string ImagesPerSecond,
    string Eta,
    string LastScore,
    string Configuration,
    IReadOnlyList<string> Cells)
{
    public static RunningTrialView Of(LiveTrial trial) => new(
        trial.TrialId,
        ProgressCells.Slot(trial),
        trial.Rung,
        ProgressCells.Epoch(trial),
        trial.Fraction,
        ProgressCells.Percent(trial),
        ProgressCells.Loss(trial),
        ProgressCells.ImagesPerSecond(trial),
        ProgressCells.Remaining(trial),
        ProgressCells.LastScore(trial),
        ProgressCells.Describe(trial.Parameters),
        ProgressCells.Cells(trial));
}

public sealed record FailedTrialView(string TrialId, string Reason);

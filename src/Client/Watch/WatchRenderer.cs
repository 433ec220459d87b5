using System.Globalization;
using LensSweep.Client.Reporting;
using Spectre.Console;
using Spectre.Console.Rendering;
using LensSweep.Reporting.Leaderboards;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Watch;

/// <summary>Draws one snapshot for a terminal: a summary, trial counts, and a progress bar per running trial.</summary>
public static class WatchRenderer
{
    private const int BarWidth = 24;

    public static IRenderable Render(StudySnapshot snapshot)
    {
        var running = snapshot.Trials
            .Where(t => t.State == TrialPhase.Running)
            .OrderBy(t => t.TrialId, StringComparer.Ordinal)
            .ToList();
        var table = new Table().Border(TableBorder.Simple);
        for (var i = 0; i < ProgressCells.Columns.Count; i++)
        {
            var column = new TableColumn(ProgressCells.Columns[i]);
            table.AddColumn(ProgressCells.IsNumeric(i) ? column.RightAligned() : column);
        }

        foreach (var trial in running)
        {
            var cells = ProgressCells.Cells(trial).Select(Markup.Escape).ToArray();
            cells[ProgressCells.ProgressColumn] = trial.TargetEpochs > 0 ? Bar(trial) : "[blue]training[/]";
            table.AddRow(cells);
        }

        if (running.Count == 0)
        {
            table.Caption(snapshot.IsFinished ? "study finished" : ProgressCells.NoneRunning);
        }

        return new Rows(
            new Markup(Headline(snapshot)),
            new Markup(Counts(snapshot.Study.Trials)),
            table);
    }

    private static string Headline(StudySnapshot snapshot)
    {
        var study = snapshot.Study;
        var best = study.BestScore?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "–";
        var line = $"[bold]{Markup.Escape(study.StudyId)}[/] · {StateMarkup(study.State)} · {LeaderLabel} {Markup.Escape(study.Metric)} [bold]{best}[/] · slots {snapshot.SlotsBusy}/{snapshot.SlotsTotal} busy";
        return snapshot.Reconnecting ? $"{line} · [yellow]{Markup.Escape(PlainWatchLog.ReconnectingLine)}[/]" : line;
    }

    private static string Counts(PhaseCounts counts) => string.Join(" · ", counts.Ordered().Select(c =>
        $"{(c.Phase == TrialPhase.Waiting ? Naming.Of(c.Phase) : LeaderboardTable.StateMarkup(c.Phase))} {c.Count}"));

    private static string StateMarkup(StudyState state) => state switch
    {
        StudyState.Completed => "[green]completed[/]",
        StudyState.Failed => "[red]failed[/]",
        StudyState.Cancelled => "[yellow]cancelled[/]",
        StudyState.Running => "[blue]running[/]",
        _ => "[grey]pending[/]",
    };

    /// <summary>
    /// What the headline's score is: the leaderboard's first row, ranked on each trial's latest rung. It is not
    /// the best score ever seen, so it can fall when the leader is promoted and scores lower at its next rung.
    /// </summary>
    public const string LeaderLabel = "leader (latest rung)";

    private static string Bar(LiveTrial trial)
    {
        var filled = (int)Math.Round(trial.Fraction * BarWidth);
        return $"[green]{new string('━', filled)}[/][grey]{new string('─', BarWidth - filled)}[/] {ProgressCells.Percent(trial),4}";
    }
}

using System.Globalization;
using LensSweep.Client.Studies;
using Spectre.Console;

namespace LensSweep.Client.Reporting;

/// <summary>The leaderboard as a table for people: best first, stopped trials dimmed.</summary>
public static class LeaderboardTable
{
    /// <summary>Failed trials whose reasons are printed under the table; the rest are counted.</summary>
    public const int MaxFailureLines = 5;

    public static Table Render(Leaderboard leaderboard)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(leaderboard.StudyId)}[/] · ranked by {Markup.Escape(leaderboard.Metric)}");
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("trial");
        table.AddColumn("state");
        table.AddColumn(new TableColumn("rung").RightAligned());
        table.AddColumn(new TableColumn("epochs").RightAligned());
        table.AddColumn(new TableColumn(Markup.Escape(leaderboard.Metric)).RightAligned());
        table.AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var name in leaderboard.Parameters)
        {
            table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        }

        foreach (var row in leaderboard.Rows)
        {
            var cells = new List<string>
            {
                row.Rank.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(row.TrialId),
                StateMarkup(row.State),
                row.Rung.ToString(CultureInfo.InvariantCulture),
                row.Epochs.ToString(CultureInfo.InvariantCulture),
                row.Score?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "–",
                row.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
            };
            cells.AddRange(leaderboard.Parameters.Select(name =>
                Markup.Escape(row.Parameters.FirstOrDefault(p => p.Name == name)?.Value.ToString() ?? "–")));
            table.AddRow(cells.ToArray());
        }

        var failed = leaderboard.Rows.Where(r => r.FailureReason is not null).ToList();
        if (leaderboard.Rows.Count == 0)
        {
            table.Caption("no trials yet");
        }
        else if (failed.Count > 0)
        {
            // A failure is never silent: its reason is printed under the table, not only kept in the state log.
            var lines = failed.Take(MaxFailureLines).Select(r => $"[red]{Markup.Escape(r.TrialId)} failed[/] {Markup.Escape(r.FailureReason!)}").ToList();
            if (failed.Count > MaxFailureLines)
            {
                lines.Add($"… and {failed.Count - MaxFailureLines} more failed trials (every reason is in the leaderboard's failure_reason)");
            }

            table.Caption(string.Join('\n', lines));
        }

        return table;
    }

    public static string StateMarkup(TrialState state) => state switch
    {
        TrialState.Completed => "[green]completed[/]",
        TrialState.Running => "[blue]running[/]",
        TrialState.Paused => "[yellow]paused[/]",
        TrialState.Stopped => "[grey]stopped[/]",
        TrialState.Failed => "[red]failed[/]",
        _ => "[grey]waiting[/]",
    };
}

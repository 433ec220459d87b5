using Spectre.Console;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;

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
        var columns = LeaderboardCells.Columns(leaderboard);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = new TableColumn(Markup.Escape(columns[i]));
            table.AddColumn(LeaderboardCells.IsNumeric(i) ? column.RightAligned() : column);
        }

        foreach (var row in leaderboard.Rows)
        {
            var cells = LeaderboardCells.Cells(leaderboard, row).Select(Markup.Escape).ToArray();
            cells[LeaderboardCells.StateColumn] = StateMarkup(row.State);
            table.AddRow(cells);
        }

        var notes = new List<string>();
        if (LeaderboardCells.PixelNote(leaderboard) is { } pixels)
        {
            notes.Add(Markup.Escape(pixels));
        }

        var failed = LeaderboardCells.Failed(leaderboard);
        if (leaderboard.Rows.Count == 0)
        {
            notes.Add(LeaderboardCells.NoTrials);
        }
        else if (failed.Count > 0)
        {
            // A failure is never silent: its reason is printed under the table, not only kept in the state log.
            var lines = failed.Take(MaxFailureLines).Select(r => $"[red]{Markup.Escape(r.TrialId)} failed[/] {Markup.Escape(r.FailureReason!)}").ToList();
            if (failed.Count > MaxFailureLines)
            {
                lines.Add($"… and {failed.Count - MaxFailureLines} more failed trials (every reason is in the leaderboard's failure_reason)");
            }

            notes.AddRange(lines);
        }

        if (notes.Count > 0)
        {
            table.Caption(string.Join('\n', notes));
        }

        return table;
    }

    public static string StateMarkup(TrialPhase state) => state switch
    {
        TrialPhase.Completed => $"[green]{Naming.Of(state)}[/]",
        TrialPhase.Running => $"[blue]{Naming.Of(state)}[/]",
        TrialPhase.Paused => $"[yellow]{Naming.Of(state)}[/]",
        TrialPhase.Failed => $"[red]{Naming.Of(state)}[/]",
        _ => $"[grey]{Naming.Of(state)}[/]",
    };
}

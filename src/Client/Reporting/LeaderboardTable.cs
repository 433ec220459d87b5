using System.Globalization;
using LensSweep.Grains.Specs;
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
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("trial");
        table.AddColumn("state");
        table.AddColumn(new TableColumn("rung").RightAligned());
        table.AddColumn(new TableColumn("epochs").RightAligned());
        table.AddColumn(new TableColumn(Markup.Escape(leaderboard.Metric)).RightAligned());
        var showGain = leaderboard.Rows.Any(r => r.Gain is not null);
        if (showGain)
        {
            table.AddColumn(new TableColumn("gain").RightAligned());
        }

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
                ScoreCell(row),
            };
            if (showGain)
            {
                cells.Add(row.Gain?.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture) ?? "–");
            }

            cells.Add(row.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
            cells.AddRange(leaderboard.Parameters.Select(name =>
                Markup.Escape(row.Parameters.FirstOrDefault(p => p.Name == name)?.Value.ToString() ?? "–")));
            table.AddRow(cells.ToArray());
        }

        var notes = new List<string>();
        if (PixelScore(leaderboard) is { } pixels)
        {
            notes.Add($"raw pixels: {Markup.Escape(MetricNames.Parse(leaderboard.Metric).Evaluation)} = {pixels.ToString("0.0000", CultureInfo.InvariantCulture)}");
        }

        var failed = leaderboard.Rows.Where(r => r.FailureReason is not null).ToList();
        if (leaderboard.Rows.Count == 0)
        {
            notes.Add("no trials yet");
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

    /// <summary>The score with its 95% interval as ± the larger half-width: "0.6543 ±0.0210".</summary>
    private static string ScoreCell(LeaderboardRow row) => row.Score switch
    {
        null => "–",
        { } score when row.ScoreInterval is var (low, high) =>
            string.Create(CultureInfo.InvariantCulture, $"{score:0.0000} ±{Math.Max(score - low, high - score):0.0000}"),
        { } score => score.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    private static double? PixelScore(Leaderboard leaderboard) =>
        leaderboard.PixelBaseline.TryGetValue(MetricNames.Parse(leaderboard.Metric).Evaluation, out var value) ? value : null;

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

using System.Globalization;
using LensSweep.Grains.Specs;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Leaderboards;

/// <summary>
/// The leaderboard as plain text cells: its columns, each row's cells, and the notes under it. The console's table
/// and the study page both draw these, so the two show the same numbers; "–" is unknown.
/// </summary>
public static class LeaderboardCells
{
    public const string Unknown = "–";

    /// <summary>Index of the state cell in <see cref="Cells"/>, which the console colours and the page marks.</summary>
    public const int StateColumn = 2;

    public const string NoTrials = "no trials yet";

    /// <summary>The gain column is shown only when some row has a gain.</summary>
    public static bool ShowsGain(Leaderboard leaderboard) => leaderboard.Rows.Any(r => r.Gain is not null);

    public static IReadOnlyList<string> Columns(Leaderboard leaderboard)
    {
        List<string> columns = ["#", "trial", "state", "rung", "epochs", leaderboard.Metric];
        if (ShowsGain(leaderboard))
        {
            columns.Add("gain");
        }

        columns.Add("seconds");
        columns.AddRange(leaderboard.Parameters);
        return columns;
    }

    /// <summary>Whether a column holds numbers (right-aligned): every column but the trial and its state.</summary>
    public static bool IsNumeric(int column) => column is not (1 or StateColumn);

    public static IReadOnlyList<string> Cells(Leaderboard leaderboard, LeaderboardRow row)
    {
        List<string> cells =
        [
            row.Rank.ToString(CultureInfo.InvariantCulture),
            row.TrialId,
            Naming.Of(row.State),
            row.Rung.ToString(CultureInfo.InvariantCulture),
            row.Epochs.ToString(CultureInfo.InvariantCulture),
            Score(row),
        ];
        if (ShowsGain(leaderboard))
        {
            cells.Add(row.Gain?.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture) ?? Unknown);
        }

        cells.Add(row.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
        cells.AddRange(leaderboard.Parameters.Select(name => row.Parameters.FirstOrDefault(p => p.Name == name)?.Value.ToString() ?? Unknown));
        return cells;
    }

    /// <summary>The score with its 95% interval as ± the larger half-width: "0.6543 ±0.0210".</summary>
    public static string Score(LeaderboardRow row) => row.Score switch
    {
        null => Unknown,
        { } score when row.ScoreInterval is var (low, high) =>
            string.Create(CultureInfo.InvariantCulture, $"{score:0.0000} ±{Math.Max(score - low, high - score):0.0000}"),
        { } score => score.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    /// <summary>The raw-pixel baseline of the evaluation behind the metric, or why it could not be computed, as
    /// one line; null while it is still to come.</summary>
    public static string? PixelNote(Leaderboard leaderboard)
    {
        var evaluation = MetricNames.Parse(leaderboard.Metric).Evaluation;
        return PixelScore(leaderboard) is { } pixels
            ? $"raw pixels: {evaluation} = {pixels.ToString("0.0000", CultureInfo.InvariantCulture)}"
            : leaderboard.PixelBaselineFailure is { } reason ? $"pixel baseline: failed — {reason}" : null;
    }

    /// <summary>The raw-pixel baseline's value of the evaluation behind the metric; null when not computed.</summary>
    public static double? PixelScore(Leaderboard leaderboard) =>
        leaderboard.PixelBaseline.TryGetValue(MetricNames.Parse(leaderboard.Metric).Evaluation, out var pixels) ? pixels : null;

    /// <summary>The rows of failed trials, each with its reason.</summary>
    public static IReadOnlyList<LeaderboardRow> Failed(Leaderboard leaderboard) =>
        [.. leaderboard.Rows.Where(r => r.FailureReason is not null)];
}

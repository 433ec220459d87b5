using System.Globalization;
using LensSweep.Reporting.Leaderboards;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Reporting;

/// <summary>
/// The leaderboard as CSV (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma,
/// quote or line break, quotes doubled). Columns: rank, trial_id, state, rung, epochs, score, score_low,
/// score_high, score_sd, n, gain, random_init_score, test_score, seconds, flops, failure_reason (see <see cref="LeaderboardJson"/>),
/// then one column per hyperparameter named as in the spec. Unknown values are empty fields. After the trials, a
/// row with trial_id <c>pixels</c> and no rank is the study's raw-pixel baseline: state completed with its score
/// (the evaluation behind the metric), or failed with its failure_reason; it is absent while still to come, and when
/// the baseline has no score for the metric (a study ranked by recon_loss: pixels have no reconstruction).
/// </summary>
public static class LeaderboardCsv
{
    public static readonly IReadOnlyList<string> FixedColumns =
        ["rank", "trial_id", "state", "rung", "epochs", "score", "score_low", "score_high", "score_sd", "n", "gain", "random_init_score", "test_score", "seconds", "flops", "failure_reason"];

    public static void Write(Leaderboard leaderboard, TextWriter output)
    {
        WriteRecord(output, FixedColumns.Concat(leaderboard.Parameters));
        foreach (var row in leaderboard.Rows)
        {
            WriteRecord(output, Fields(row, leaderboard.Parameters));
        }

        if (PixelFields(leaderboard) is { } pixels)
        {
            WriteRecord(output, pixels);
        }
    }

    /// <summary>The trial id of the raw-pixel baseline's row.</summary>
    public const string PixelBaselineId = "pixels";

    private static IEnumerable<string>? PixelFields(Leaderboard leaderboard)
    {
        var score = LeaderboardCells.PixelScore(leaderboard);
        if (score is null && leaderboard.PixelBaselineFailure is null)
        {
            return null;
        }

        var fields = Enumerable.Repeat(string.Empty, FixedColumns.Count + leaderboard.Parameters.Count).ToArray();
        fields[Column("trial_id")] = PixelBaselineId;
        fields[Column("state")] = Naming.Of(score is null ? TrialPhase.Failed : TrialPhase.Completed);
        fields[Column("score")] = Number(score);
        fields[Column("failure_reason")] = leaderboard.PixelBaselineFailure ?? string.Empty;
        return fields;
    }

    /// <summary>Quotes a field only when RFC 4180 requires it, so plain values stay plain for simple readers.</summary>
    public static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    private static IEnumerable<string> Fields(LeaderboardRow row, IReadOnlyList<string> parameters)
    {
        yield return Number(row.Rank);
        yield return row.TrialId;
        yield return Naming.Of(row.State);
        yield return Number(row.Rung);
        yield return Number(row.Epochs);
        yield return Number(row.Score);
        yield return Number(row.ScoreInterval?.Low);
        yield return Number(row.ScoreInterval?.High);
        yield return Number(row.ScoreSd);
        yield return Number(row.N);
        yield return Number(row.Gain);
        yield return Number(row.RandomInitScore);
        yield return Number(row.TestScore);
        yield return Number(row.Seconds);
        yield return Number(row.Flops);
        yield return row.FailureReason ?? string.Empty;
        foreach (var name in parameters)
        {
            yield return row.Parameters.FirstOrDefault(p => p.Name == name)?.Value.ToString() ?? string.Empty;
        }
    }

    private static int Column(string name) => FixedColumns.ToList().IndexOf(name);

    private static string Number(double? value) =>
        value is { } number && double.IsFinite(number) ? number.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    private static void WriteRecord(TextWriter output, IEnumerable<string> fields)
    {
        output.Write(string.Join(',', fields.Select(Escape)));
        output.Write("\r\n");
    }
}

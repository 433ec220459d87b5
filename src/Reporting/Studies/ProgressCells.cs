using System.Globalization;

namespace LensSweep.Reporting.Studies;

/// <summary>
/// A running trial's progress as text cells: what the console's watch and the study page both show of it
/// (epoch against its rung's end, loss, pace, time left, last score, configuration); "–" is unknown.
/// </summary>
public static class ProgressCells
{
    private const string Unknown = "–";

    public const string NoneRunning = "no trial is training right now";

    public static readonly IReadOnlyList<string> Columns = ["trial", "slot", "rung", "epoch", "progress", "loss", "img/s", "ETA", "last score", "configuration"];

    /// <summary>The column of <see cref="Columns"/> a renderer draws its own bar in.</summary>
    public const int ProgressColumn = 4;

    /// <summary>Whether a column of <see cref="Columns"/> holds numbers (right-aligned).</summary>
    public static bool IsNumeric(int column) => column is 2 or 3 or (>= 5 and <= 8);

    /// <summary>The trial's row, one text per column of <see cref="Columns"/>; at <see cref="ProgressColumn"/> the
    /// percentage done, or "training" when its rung's end is unknown.</summary>
    public static IReadOnlyList<string> Cells(LiveTrial trial) =>
    [
        trial.TrialId,
        Slot(trial),
        trial.Rung.ToString(CultureInfo.InvariantCulture),
        Epoch(trial),
        Percent(trial) ?? "training",
        Loss(trial),
        ImagesPerSecond(trial),
        Remaining(trial),
        LastScore(trial),
        Describe(trial.Parameters),
    ];

    /// <summary>"3/8": epochs done against the epoch the rung ends at, or only the epochs when that end is unknown.</summary>
    public static string Epoch(LiveTrial trial) =>
        trial.TargetEpochs > 0 ? $"{trial.Epoch}/{trial.TargetEpochs}" : $"{trial.Epoch}";

    /// <summary>"42%" of the epochs to the rung's end; null when that end is unknown.</summary>
    public static string? Percent(LiveTrial trial) =>
        trial.TargetEpochs > 0 ? string.Create(CultureInfo.InvariantCulture, $"{trial.Fraction * 100:0}%") : null;

    public static string Loss(LiveTrial trial) => trial.Loss?.ToString("0.0000", CultureInfo.InvariantCulture) ?? Unknown;

    public static string ImagesPerSecond(LiveTrial trial) =>
        trial.ImagesPerSecond > 0 ? trial.ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture) : Unknown;

    public static string Remaining(LiveTrial trial) => trial.Remaining is { } left ? Eta(left) : Unknown;

    public static string LastScore(LiveTrial trial) => trial.Score?.ToString("0.0000", CultureInfo.InvariantCulture) ?? Unknown;

    public static string Slot(LiveTrial trial) => trial.Slot ?? Unknown;

    public static string Describe(IReadOnlyList<ParameterSetting> parameters) =>
        string.Join(' ', parameters.Select(p => $"{p.Name}={p.Value}"));

    /// <summary>e.g. "42s", "3m05s", "1h02m".</summary>
    public static string Eta(TimeSpan left) => left.TotalHours >= 1
        ? $"{(int)left.TotalHours}h{left.Minutes:00}m"
        : left.TotalMinutes >= 1 ? $"{(int)left.TotalMinutes}m{left.Seconds:00}s" : $"{Math.Ceiling(left.TotalSeconds):0}s";
}

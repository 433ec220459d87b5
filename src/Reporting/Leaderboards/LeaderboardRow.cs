using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Leaderboards;

/// <summary>One trial's place on a study's leaderboard.</summary>
/// <param name="Rank">1 for the best probe score.</param>
/// <param name="Rung">Highest rung the trial reached.</param>
/// <param name="Epochs">Pretraining epochs behind <paramref name="Score"/>.</param>
/// <param name="Score">Probe score at that rung; null while its first rung still trains.</param>
/// <param name="Seconds">Training seconds spent, cumulative.</param>
/// <param name="Flops">Training FLOPs spent, cumulative, when counted.</param>
/// <param name="FailureReason">Why a failed trial failed (which rung, exception type and message); null otherwise.</param>
public sealed record LeaderboardRow(
    int Rank,
    string TrialId,
    TrialPhase State,
    int Rung,
    int Epochs,
    double? Score,
    double Seconds,
    double? Flops,
    IReadOnlyList<ParameterSetting> Parameters,
    string? FailureReason = null)
{
    /// <summary>The 95% interval of <see cref="Score"/> (bootstrap over the validation split); null when unknown.</summary>
    public (double Low, double High)? ScoreInterval { get; init; }

    /// <summary>The evaluation behind the metric minus the same evaluation of the trial's untrained encoder.</summary>
    public double? Gain { get; init; }

    /// <summary>The evaluation behind the metric at epoch 0: the trial's own random-init baseline.</summary>
    public double? RandomInitScore { get; init; }

    /// <summary>The evaluation behind the metric on the test split: reported, never used to rank.</summary>
    public double? TestScore { get; init; }

    /// <summary>The trials behind the row: one, or a configuration's repeats (whose mean the row shows).</summary>
    public IReadOnlyList<string> TrialIds { get; init; } = [];

    /// <summary>Scored trials behind <see cref="Score"/> (the repeats that reached the row's rung).</summary>
    public int N { get; init; } = 1;

    /// <summary>The standard deviation of the repeats' scores; null for a single trial.</summary>
    public double? ScoreSd { get; init; }

    /// <summary>Every evaluation of its latest rung on validation, by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}

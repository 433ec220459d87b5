using LensSweep.Client.Studies;

namespace LensSweep.Client.Reporting;

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
    TrialState State,
    int Rung,
    int Epochs,
    double? Score,
    double Seconds,
    double? Flops,
    IReadOnlyList<Hyperparameter> Parameters,
    string? FailureReason = null);

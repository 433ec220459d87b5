namespace LensSweep.Client.Studies;

/// <summary>One line's worth of a study: what <c>study list</c> shows and every other view starts with.</summary>
/// <param name="Metric">Name of the probe score the study ranks by (e.g. <c>probe_accuracy</c>).</param>
/// <param name="BestScore">Best probe score any trial has reached so far; null before the first rung ends.</param>
public sealed record StudySummary(
    string StudyId,
    string Name,
    StudyState State,
    string Metric,
    TrialCounts Trials,
    double? BestScore,
    DateTimeOffset? StartedAt);

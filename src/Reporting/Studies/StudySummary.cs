using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;

namespace LensSweep.Reporting.Studies;

/// <summary>One line's worth of a study: what <c>study list</c> shows and every other view starts with.</summary>
/// <param name="Metric">Name of the probe score the study ranks by (e.g. <c>probe_accuracy</c>).</param>
/// <param name="BestScore">The best latest-rung score of any trial so far (the leaderboard's first row); null before the first rung ends.</param>
/// <param name="Mode">Whether a higher or a lower <paramref name="Metric"/> is better.</param>
/// <param name="Repeats">Trials per configuration; the leaderboard shows one row per configuration when above 1.</param>
public sealed record StudySummary(
    string StudyId,
    string Name,
    StudyState State,
    string Metric,
    PhaseCounts Trials,
    double? BestScore,
    DateTimeOffset? StartedAt,
    MetricMode Mode = MetricMode.Max,
    int Repeats = 1)
{
    /// <summary>How the study's evaluations are made (the spec's <c>probe</c> and <c>evaluation</c> sections); null when
    /// the cluster does not say.</summary>
    public ProbeSettings? Probe { get; init; }

    /// <summary>For each hyperparameter the spec searched over a range, whether on a log scale; a list of values
    /// declares none, and its axis scale is read from the values.</summary>
    public IReadOnlyDictionary<string, bool> RangeScales { get; init; } = new Dictionary<string, bool>();
}

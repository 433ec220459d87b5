using LensSweep.Grains.Trials;

namespace LensSweep.Reporting.Studies;

/// <summary>Everything the console's leaderboard and plots need from a study, as plain values.</summary>
/// <param name="SearchedParameters">Names of the hyperparameters the spec searches over, in spec order; one plot panel each.</param>
/// <param name="PixelBaseline">The evaluations on raw pixels, once per study; null when not computed.</param>
/// <param name="PixelBaselineFailure">Why the pixel baseline could not be computed; null when it was, or is still to come.</param>
public sealed record StudyResults(
    StudySummary Study,
    IReadOnlyList<string> SearchedParameters,
    IReadOnlyList<TrialTrajectory> Trials,
    ProbeScores? PixelBaseline = null,
    string? PixelBaselineFailure = null);

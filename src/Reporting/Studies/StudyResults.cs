using LensSweep.Grains.Trials;

namespace LensSweep.Reporting.Studies;

/// <summary>Everything the console's leaderboard and plots need from a study, as plain values.</summary>
/// <param name="SearchedParameters">Names of the hyperparameters the spec searches over, in spec order; one plot panel each.</param>
/// <param name="PixelBaseline">The evaluations on raw pixels, once per study; null when not computed.</param>
public sealed record StudyResults(
    StudySummary Study,
    IReadOnlyList<string> SearchedParameters,
    IReadOnlyList<TrialTrajectory> Trials,
    ProbeScores? PixelBaseline = null);

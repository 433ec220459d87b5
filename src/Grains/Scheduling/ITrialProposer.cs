using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Scheduling;

/// <summary>
/// A configuration that has reported: its hyperparameters and its scores at rungs 0, 1, … in order (a
/// configuration still running its first rung, or failed before any result, has none and may be left out).
/// </summary>
/// <param name="Trial">Its number among the study's configurations (the scheduler's arm when trials repeat).</param>
/// <param name="Config">Its hyperparameters.</param>
/// <param name="Scores">Its score at each rung it reported, rung 0 first (the mean of its repeats when it has them).</param>
public sealed record TrialResult(int Trial, TrialConfig Config, IReadOnlyList<double> Scores);

/// <summary>
/// Where a study's configurations come from, asked when the scheduler starts a configuration that has
/// none yet (a <see cref="SchedulerDecision.Run"/> with <c>IsPromotion</c> false). Grid and random search
/// answer from their expansion; TPE from the results reported so far. Pure: the same configuration number
/// and results give the same answer, so a sweep that persists each configuration before starting its
/// trial, and rebuilds from that after a crash, never changes a configuration it has handed out.
/// </summary>
public interface ITrialProposer
{
    /// <summary>Configurations the study has in all: the scheduler is built for this many arms.</summary>
    int Count { get; }

    /// <summary>The configuration of number <paramref name="configuration"/> (0..<see cref="Count"/>−1),
    /// given every result reported so far (any order, one entry per configuration).</summary>
    TrialConfig Propose(int configuration, IReadOnlyList<TrialResult> results);
}

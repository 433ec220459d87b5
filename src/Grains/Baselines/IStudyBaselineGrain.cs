using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Baselines;

/// <summary>
/// A study's raw-pixel baseline (key: the study id): the same evaluations a trial gets, on pixels instead
/// of encoder features, computed once per study on a silo with device slots (<see cref="IBaselineComputeGrain"/>)
/// and persisted here, so every score can be read against what no pretraining at all gives. This grain holds no
/// device work, so it is read on any silo.
/// </summary>
[Alias("lenssweep.IStudyBaselineGrain")]
public interface IStudyBaselineGrain : IGrainWithStringKey
{
    /// <summary>Starts the computation unless it is done or under way; returns at once.</summary>
    [Alias("Start")]
    Task StartAsync(DatasetOptions dataset, ProbeSettings probe);

    [Alias("Get")]
    Task<BaselineStatus> GetAsync();

    /// <summary>The computation's outcome, from <see cref="IBaselineComputeGrain"/>: the scores, or why there are none.</summary>
    [Alias("Record")]
    Task RecordAsync(ProbeScores? pixels, string? failureReason);
}

/// <summary>Where a study's pixel baseline stands.</summary>
/// <param name="Pixels">The evaluations on raw pixels; null until computed.</param>
/// <param name="Pending">True while it is being computed.</param>
/// <param name="FailureReason">Why it could not be computed (exception type and message); null otherwise.</param>
[GenerateSerializer, Immutable, Alias("lenssweep.BaselineStatus")]
public sealed record BaselineStatus(
    [property: Id(0)] ProbeScores? Pixels,
    [property: Id(1)] bool Pending,
    [property: Id(2)] string? FailureReason)
{
    public static BaselineStatus NotStarted { get; } = new(null, false, null);
}

/// <summary>Computes the raw-pixel evaluations of a dataset: the real one uses the study's data and probe;
/// an engine without one (tests with scripted trainers) has no pixel baseline.</summary>
public interface IBaselineScorer
{
    Task<ProbeScores> ScorePixelsAsync(DatasetOptions dataset, ProbeSettings probe, CancellationToken cancellationToken);
}

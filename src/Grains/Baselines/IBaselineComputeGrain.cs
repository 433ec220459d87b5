using LensSweep.Grains.Specs;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Baselines;

/// <summary>
/// Computes a study's raw-pixel baseline (key: the study id) on a silo with device slots, where the data and the
/// libraries are, and hands the result to the study's <see cref="IStudyBaselineGrain"/>. Split from that grain so
/// the stored baseline can be read on any silo, a coordinator or an embedded run's read-only folder included.
/// </summary>
[Alias("lenssweep.IBaselineComputeGrain")]
public interface IBaselineComputeGrain : IGrainWithStringKey
{
    /// <summary>Starts the computation and returns at once; its result arrives as <see cref="IStudyBaselineGrain.RecordAsync"/>.</summary>
    /// <returns>False when this engine has no baseline scorer (tests with scripted trainers): nothing will arrive.</returns>
    [Alias("Start")]
    Task<bool> StartAsync(DatasetOptions dataset, ProbeSettings probe);
}

using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Sweeps;

public static class SweepGrainExtensions
{
    /// <summary>Validates and expands the spec here, in the caller, then starts its study (see <see cref="SweepPlan.From"/>).</summary>
    public static Task<SweepStatus> StartAsync(this ISweepGrain sweep, StudySpec spec)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return sweep.StartAsync(SweepPlan.From(spec));
    }

    /// <summary>The study's sweep grain: its key is the spec's name.</summary>
    public static ISweepGrain GetSweep(this IGrainFactory grains, string studyId) => grains.GetGrain<ISweepGrain>(studyId);
}

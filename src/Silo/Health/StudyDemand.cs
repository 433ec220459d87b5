using LensSweep.Grains.Studies;
using LensSweep.Grains.Sweeps;

namespace LensSweep.Silo.Health;

/// <summary>A running study's trials that wait for a slot it may still take (<see cref="WaitingTrials.Capped"/>).</summary>
public sealed record StudyDemand(string StudyId, int Waiting);

/// <summary>
/// Reads every running study's demand, cluster-wide (the same on every silo). Studies the registry knows have
/// ended are skipped, so a scrape wakes only the sweeps that may have waiting trials.
/// </summary>
public sealed class StudyDemandReader(IGrainFactory grains)
{
    public async Task<IReadOnlyList<StudyDemand>> ReadAsync(CancellationToken cancellationToken)
    {
        var studies = await StudyRegistry.Get(grains).ListAsync().WaitAsync(cancellationToken);
        var statuses = await Task.WhenAll(studies.Where(s => !s.HasEnded).Select(s => grains.GetGrain<ISweepGrain>(s.StudyId).GetStatusAsync())).WaitAsync(cancellationToken);
        return [.. statuses
            .Where(s => s.Phase == SweepPhase.Running)
            .Select(s => new StudyDemand(s.StudyId, WaitingTrials.Capped(s.Counts.Waiting, s.Slots.Count, s.MaxConcurrentTrials)))];
    }
}

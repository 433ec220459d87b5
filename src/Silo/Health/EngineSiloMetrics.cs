using LensSweep.Grains.Devices;
using LensSweep.Grains.Studies;
using LensSweep.Grains.Sweeps;

namespace LensSweep.Silo.Health;

/// <summary>
/// What an autoscaler reads from a silo: its own busy and total slots (from the device worker), and the
/// trials of running studies that still wait for a slot, cluster-wide (the same on every silo). Studies the
/// registry knows have ended are skipped, so a scrape wakes only the sweeps that may have waiting trials.
/// </summary>
public sealed class EngineSiloMetrics(DeviceWorkerPool workers, IGrainFactory grains) : IEngineMetrics
{
    public async ValueTask<EngineMetrics> ReadAsync(CancellationToken cancellationToken)
    {
        var busy = workers.Busy.Count;
        var studies = await StudyRegistry.Get(grains).ListAsync().WaitAsync(cancellationToken);
        var statuses = await Task.WhenAll(studies.Where(s => !s.HasEnded).Select(s => grains.GetGrain<ISweepGrain>(s.StudyId).GetStatusAsync())).WaitAsync(cancellationToken);
        var waiting = statuses.Where(s => s.Phase == SweepPhase.Running).Sum(s => s.Counts.Waiting);
        return new EngineMetrics(TrialsRunning: busy, TrialsWaiting: waiting, SlotsBusy: busy, SlotsTotal: workers.Slots.Count);
    }
}

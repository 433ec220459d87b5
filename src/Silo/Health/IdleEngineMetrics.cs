using LensSweep.Silo.Devices;

namespace LensSweep.Silo.Health;

/// <summary>Metrics of a silo that hosts no study engine: its slots exist, and none of them is in use.</summary>
public sealed class IdleEngineMetrics(DeviceSlots slots) : IEngineMetrics
{
    public ValueTask<EngineMetrics> ReadAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new EngineMetrics(TrialsRunning: 0, TrialsWaiting: 0, SlotsBusy: 0, SlotsTotal: slots.Count));
}

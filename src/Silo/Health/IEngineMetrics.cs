namespace LensSweep.Silo.Health;

/// <summary>
/// What /metrics reports (<see cref="EngineSiloMetrics"/> reads it from the study engine); an interface so
/// the health endpoints can be tested without one.
/// </summary>
public interface IEngineMetrics
{
    ValueTask<EngineMetrics> ReadAsync(CancellationToken cancellationToken);
}

/// <param name="TrialsRunning">Trials training on this silo's slots.</param>
/// <param name="TrialsWaiting">Trials of the whole cluster waiting for a free slot (the same on every silo: scale on its maximum).</param>
/// <param name="SlotsBusy">This silo's slots held by a trial.</param>
/// <param name="SlotsTotal">This silo's slots.</param>
public sealed record EngineMetrics(int TrialsRunning, int TrialsWaiting, int SlotsBusy, int SlotsTotal);

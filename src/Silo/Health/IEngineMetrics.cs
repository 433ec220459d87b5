namespace LensSweep.Silo.Health;

/// <summary>
/// What /metrics reports. The study engine implements it; until it is wired in, <see cref="IdleEngineMetrics"/>
/// reports the silo's slot count and nothing running or waiting, which is the truth for a silo without an engine.
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

using Orleans.Concurrency;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// A watcher of a study (the console's <c>watch</c>). Notifications are one-way and best effort: a
/// subscription expires unless renewed (<see cref="Hosting.EngineOptions.ObserverExpiry"/>) and is lost
/// when the sweep grain moves, so watchers re-subscribe periodically (<see cref="SweepWatcher"/> does).
/// </summary>
[Alias("lenssweep.ISweepObserver")]
public interface ISweepObserver : IGrainObserver
{
    [OneWay, Alias("Updated")]
    Task OnSweepUpdatedAsync(SweepUpdate update);
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace LensSweep.Silo.Storage;

/// <summary>
/// A grain storage provider used outside a silo (the migration command): providers open their store in the silo
/// lifecycle, so this runs that lifecycle's start for the one provider.
/// </summary>
internal static class StandaloneGrainStorage
{
    public static async Task<IGrainStorage> StartAsync(IServiceProvider services, string name, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredKeyedService<IGrainStorage>(name);
        if (storage is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            var start = new StartOnly();
            participant.Participate(start);
            await start.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        return storage;
    }

    /// <summary>A silo lifecycle that only starts, in stage order: enough for a storage provider to initialise.</summary>
    private sealed class StartOnly : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage { get; private set; }

        public int LowestStoppedStage => int.MaxValue;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            var entry = (stage, observer);
            _observers.Add(entry);
            return new Unsubscribe(() => _observers.Remove(entry));
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            foreach (var (stage, observer) in _observers.OrderBy(o => o.Stage).ToList())
            {
                await observer.OnStart(cancellationToken).ConfigureAwait(false);
                HighestCompletedStage = stage;
            }
        }

        private sealed class Unsubscribe(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }
}


namespace LensSweep.Grains.Sweeps;

/// <summary>
/// A client's subscription to a study that keeps itself alive: it renews well within the sweep's
/// observer expiry and re-subscribes after the sweep grain moves (a lost subscription costs at most one
/// renewal period of updates). Dispose it to stop watching.
/// </summary>
public sealed class SweepWatcher : ISweepObserver, IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly ISweepGrain _sweep;
    private readonly Action<SweepUpdate> _onUpdate;
    private readonly CancellationTokenSource _stop = new();
    private ISweepObserver? _reference;
    private Task? _renewals;

    private SweepWatcher(IGrainFactory grains, string studyId, Action<SweepUpdate> onUpdate)
    {
        _grains = grains;
        _sweep = grains.GetGrain<ISweepGrain>(studyId);
        _onUpdate = onUpdate;
    }

    /// <summary>Subscribes now (throwing if the sweep is unreachable) and renews every <paramref name="renewEvery"/> (default 30 s).</summary>
    public static async Task<SweepWatcher> StartAsync(IGrainFactory grains, string studyId, Action<SweepUpdate> onUpdate, TimeSpan? renewEvery = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(onUpdate);
        var watcher = new SweepWatcher(grains, studyId, onUpdate);
        watcher._reference = grains.CreateObjectReference<ISweepObserver>(watcher);
        await watcher._sweep.SubscribeAsync(watcher._reference);
        watcher._renewals = watcher.RenewAsync(renewEvery ?? TimeSpan.FromSeconds(30));
        return watcher;
    }

    Task ISweepObserver.OnSweepUpdatedAsync(SweepUpdate update)
    {
        _onUpdate(update);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_renewals is not null)
        {
            await _renewals.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_reference is not null)
        {
            try
            {
                await _sweep.UnsubscribeAsync(_reference);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The sweep is gone or unreachable: its subscription expires on its own.
            }

            _grains.DeleteObjectReference<ISweepObserver>(_reference);
        }

        _stop.Dispose();
    }

    private async Task RenewAsync(TimeSpan period)
    {
        using var timer = new PeriodicTimer(period);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                await _sweep.SubscribeAsync(_reference!).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // Try again next period: the sweep may be moving to another silo.
            }
        }
    }
}

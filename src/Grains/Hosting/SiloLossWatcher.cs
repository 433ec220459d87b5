using LensSweep.Grains.Devices;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace LensSweep.Grains.Hosting;

/// <summary>
/// Turns Orleans' failure detection into prompt recovery: when the membership declares a silo dead, this silo asks
/// the device ledger to drop that silo's leases, and the ledger tells each study that held one, which re-places the
/// trials from their checkpoints at once instead of at its next reconcile (a minute by default). Every silo watches,
/// so the news arrives even when the ledger or a study lived on the dead silo; the ledger's answer is idempotent.
/// </summary>
public sealed partial class SiloLossWatcher(IClusterMembershipService membership, IGrainFactory grains, ILogger<SiloLossWatcher> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private const int LedgerAttempts = 4;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _watching;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloLossWatcher), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        _watching = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_watching is not null)
        {
            await _watching.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var dead = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                var newlyDead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress)).Select(m => m.SiloAddress).ToList();
                if (newlyDead.Count == 0)
                {
                    continue;
                }

                LogSiloDead(logger, string.Join(", ", newlyDead));
                await TellLedgerAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    /// <summary>Asking for the view drops the leases of every silo that is no longer active. The ledger may have
    /// lived on the dead silo and its first call after the death may fail, so it is asked a few times.</summary>
    private async Task TellLedgerAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DeviceLedger.Get(grains).GetViewAsync();
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && attempt < LedgerAttempts)
            {
                LogLedgerRetry(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogLedgerUnreachable(logger, e.Message);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 512, Level = LogLevel.Information, Message = "The device ledger did not answer after a silo left ({Reason}); asking again")]
    private static partial void LogLedgerRetry(ILogger logger, string reason);

    [LoggerMessage(EventId = 510, Level = LogLevel.Information, Message = "Silo {Silos} left the cluster: its slots go back to the studies now")]
    private static partial void LogSiloDead(ILogger logger, string silos);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Could not reach the device ledger after a silo left ({Reason}); the studies' reconcile passes recover its trials")]
    private static partial void LogLedgerUnreachable(ILogger logger, string reason);
}

using System.Collections.Concurrent;
using System.Diagnostics;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Sweeps;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace LensSweep.Grains.Hosting;

/// <summary>
/// Hands a stopping silo's trials over before Orleans begins to stop: its slots take no more work, each running
/// trial stops at its next step boundary and stores a checkpoint there (<see cref="DeviceWorkerPool.BeginDrain"/>),
/// then each slot goes back to the ledger and its study is told, so it re-places the trial on another silo at once
/// instead of at its next reconcile. Runs once, from whichever comes first: the host's stopping phase (the
/// standalone silo's <c>ISiloDrain</c>) or this silo lifecycle stage, which stops before any other; the token is
/// the grace period, after which the silo stops anyway and unfinished trials resume from their last checkpoint.
/// </summary>
public sealed partial class EngineDrain(DeviceWorkerPool workers, IGrainFactory grains, ILocalSiloDetails silo, ILogger<EngineDrain> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan StudyPollPeriod = TimeSpan.FromMilliseconds(100);
    private readonly Lock _lock = new();
    private Task? _drain;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EngineDrain), ServiceLifecycleStage.Active + 1, _ => Task.CompletedTask, DrainAsync);

    /// <summary>Drains the silo (the first call does the work; later calls wait for it). Never throws: a drain
    /// that fails or runs out of time is logged, and the silo stops regardless.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested && _drain is null)
        {
            // No grace at all (a kill): nothing can be handed over; liveness and the studies recover the trials.
            return;
        }

        Task drain;
        lock (_lock)
        {
            drain = _drain ??= RunAsync(cancellationToken);
        }

        try
        {
            await drain.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogGraceExpired(logger, workers.DevicesInUse().Count);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        if (workers.Slots.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        workers.BeginDrain();
        var inUse = workers.DevicesInUse();
        LogDraining(logger, silo.SiloAddress, inUse.Count);
        var told = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        try
        {
            // Idle slots go back at once; a slot in use only once its trial has stored where it stopped.
            await RetireAsync(inUse, told);
            await Task.WhenAll(inUse.Select(async device =>
            {
                await workers.WhenIdleAsync(device).WaitAsync(cancellationToken);
                await RetireAsync(workers.DevicesInUse(), told);
            }));
            await RetireAsync([], told);
            await Task.WhenAll(told.Keys.Select(study => WaitUntilMovedAsync(study, cancellationToken)));
            LogDrained(logger, silo.SiloAddress, told.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The studies' reconcile passes and Orleans' liveness still recover every trial, only later.
            LogDrainFailed(logger, e, silo.SiloAddress);
        }
    }

    /// <summary>Gives back this silo's slots except <paramref name="keep"/>, and tells every study that lost one.</summary>
    private async Task RetireAsync(IReadOnlyCollection<string> keep, ConcurrentDictionary<string, bool> told)
    {
        var owners = await DeviceLedger.Get(grains).RetireSlotsAsync(silo.SiloAddress, keep);
        await Task.WhenAll(owners.Select(async owner =>
        {
            await grains.GetGrain<ISweepGrain>(owner).RequestReconcileAsync($"silo {silo.SiloAddress} is shutting down and handed its slots back");
            told[owner] = true;
        }));
    }

    /// <summary>Until the study holds no slot here and has stored that decision: its trials are re-placed (or queued
    /// for a slot), even when the study's own grain lives on this silo and stops with it.</summary>
    private async Task WaitUntilMovedAsync(string study, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await grains.GetGrain<ISweepGrain>(study).GetStatusAsync();
            if (status.Phase != SweepPhase.Running || (!status.Deciding && status.Slots.All(s => !s.Slot.Silo.Equals(silo.SiloAddress))))
            {
                return;
            }

            await Task.Delay(StudyPollPeriod, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Silo {Silo} is draining: {Slots} slots in use stop their trials at the next step")]
    private static partial void LogDraining(ILogger logger, SiloAddress silo, int slots);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Silo {Silo} drained: {Studies} studies took their trials back in {Seconds:0.0} s")]
    private static partial void LogDrained(ILogger logger, SiloAddress silo, int studies, double seconds);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "The grace period ran out while {Slots} slots were still handing over; those trials resume from their last checkpoint")]
    private static partial void LogGraceExpired(ILogger logger, int slots);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Silo {Silo} could not finish handing its trials over; the studies' reconcile passes recover them")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception, SiloAddress silo);
}

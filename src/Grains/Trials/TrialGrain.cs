using System.Diagnostics;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Diagnostics;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Sweeps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Storage;

namespace LensSweep.Grains.Trials;

/// <summary>
/// A trial: a state machine (<see cref="TrialStatus"/>) driven by its sweep grain. Calls return at once;
/// a fire-and-observe loop on the activation hands each epoch (or rung) to the silo's
/// <see cref="DeviceWorkerPool"/>, then stores the checkpoint pointer, then reports the rung. Only slot
/// silos host it (<see cref="RequireDeviceSlotsAttribute"/>), on the silo of its leased slot
/// (<see cref="DeviceSlotPlacementAttribute"/>); the rebalancer never moves it mid-training.
/// </summary>
[RequireDeviceSlots]
[DeviceSlotPlacement]
[Immovable]
public sealed partial class TrialGrain(
    [PersistentState("trial", EngineStorage.GrainStorageName)] IPersistentState<TrialState> state,
    DeviceWorkerPool workers,
    ILocalSiloDetails silo,
    IArtifactStore artifacts,
    IOptions<EngineOptions> options,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly LatestProgress _progress = new();
    private CancellationTokenSource? _training;
    private int _trainingAttempt = -1;
    private IGrainTimer? _keepAlive;
    private string _studyId = "";
    private int _trial;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_studyId, _trial) = TrialKeys.Parse(this.GetPrimaryKeyString());

        // A trial that migrated to its slot's silo (or whose idle activation was collected mid-rung) carries on.
        if (state.State is { Status: TrialStatus.Running or TrialStatus.Promoted, Assignment: { } assignment }
            && assignment.Attempt == state.State.Attempt
            && assignment.Slot.Silo.Equals(silo.SiloAddress)
            && workers.Owns(assignment.Slot.Device))
        {
            StartTraining(assignment);
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Best effort: the slot's worker stops between steps; the checkpoint already stored is the resume point.
        StopTraining();
        return Task.CompletedTask;
    }

    public Task<TrialAck> RunAsync(TrialAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (assignment.StudyId != _studyId || assignment.Trial != _trial)
        {
            throw new ArgumentException($"Assignment for {TrialKeys.GrainKey(assignment.StudyId, assignment.Trial)} was sent to trial {TrialKeys.GrainKey(_studyId, _trial)}.", nameof(assignment));
        }

        var current = state.State;
        if (current.Status == TrialStatus.Cancelled)
        {
            return Ack(TrialAckKind.Rejected, reason: $"trial {TrialKeys.GrainKey(_studyId, _trial)} was cancelled");
        }

        if (assignment.Attempt < current.Attempt)
        {
            return Ack(TrialAckKind.Stale);
        }

        if (assignment.Attempt == current.Attempt)
        {
            if (current.LastReport is { } report && report.Attempt == assignment.Attempt && report.Rung == assignment.Rung)
            {
                return Ack(TrialAckKind.Done, report);
            }

            if (IsTraining(assignment.Attempt))
            {
                return Ack(TrialAckKind.Accepted);
            }
        }

        if (!assignment.Slot.Silo.Equals(silo.SiloAddress))
        {
            Accept(assignment);
            MoveTo(assignment.Slot.Silo);
            return Ack(TrialAckKind.Accepted);
        }

        if (!workers.Owns(assignment.Slot.Device))
        {
            return Ack(TrialAckKind.Rejected, reason: $"silo {silo.SiloAddress} has no device slot '{assignment.Slot.Device}'");
        }

        Accept(assignment);
        StartTraining(assignment);
        return Ack(TrialAckKind.Accepted);
    }

    public async Task CancelAsync(string reason)
    {
        StopTraining();
        if (state.State.Status.IsTerminal())
        {
            return;
        }

        state.State.Status = TrialStatus.Cancelled;
        state.State.FailureReason = reason;
        await WriteAsync();
        DeactivateOnIdle();
    }

    public async Task StopAsync()
    {
        if (state.State.Status == TrialStatus.Paused)
        {
            state.State.Status = TrialStatus.Stopped;
            await WriteAsync();
        }

        DeactivateOnIdle();
    }

    public Task<TrialInfo> GetInfoAsync()
    {
        var s = state.State;
        return Task.FromResult(new TrialInfo(
            _studyId, _trial, s.Status, s.Rung, s.EpochsDone, s.Attempt, s.CheckpointKey, s.Slot,
            s.Status.IsActive() ? _progress.Latest : null, s.Cost, s.LossCurve.ToArray(), s.FailureReason, silo.SiloAddress)
        {
            RungEndEpoch = s.Assignment?.ToEpoch ?? 0,
            StepInEpoch = s.StepInEpoch,
        });
    }

    public Task<ArtifactChunk?> ReadCheckpointAsync(string checkpointKey, long offset, int count)
    {
        ArgumentNullException.ThrowIfNull(checkpointKey);
        if (!TrialKeys.IsCheckpointOf(_studyId, _trial, checkpointKey))
        {
            throw new ArgumentException($"'{checkpointKey}' is not a checkpoint of trial {TrialKeys.GrainKey(_studyId, _trial)}.", nameof(checkpointKey));
        }

        return ArtifactChunk.ReadAsync(artifacts, checkpointKey, offset, count);
    }

    private Task<TrialAck> Ack(TrialAckKind kind, RungReport? report = null, string? reason = null) =>
        Task.FromResult(new TrialAck(kind, state.State.Attempt, report, reason));

    private void Accept(TrialAssignment assignment)
    {
        var s = state.State;
        s.Status = assignment.IsPromotion && s.Status == TrialStatus.Paused ? TrialStatus.Promoted : TrialStatus.Running;
        s.Attempt = assignment.Attempt;
        s.Rung = assignment.Rung;
        s.Assignment = assignment;
        s.Slot = assignment.Slot;
        s.FailureReason = null;
    }

    /// <summary>The lease is on another silo: migrate there (the in-memory state travels with the
    /// activation and <see cref="OnActivateAsync"/> starts training). If the move does not happen, the
    /// sweep's next reconcile repeats the assignment and this runs again.</summary>
    private void MoveTo(SiloAddress target)
    {
        StopTraining();
        LogMoving(logger, _studyId, _trial, target);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        try
        {
            this.MigrateOnIdle();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private bool IsTraining(int attempt) => _training is { IsCancellationRequested: false } && _trainingAttempt == attempt;

    private void StartTraining(TrialAssignment assignment)
    {
        if (IsTraining(assignment.Attempt))
        {
            return;
        }

        if (workers.IsDraining)
        {
            // The silo is handing its trials over: the assignment is kept, and the drain gives the slot back so
            // the study re-places the trial on another silo, where it resumes from its checkpoint.
            LogNotStartedDraining(logger, _studyId, _trial, assignment.Attempt);
            return;
        }

        StopTraining();
        var cts = new CancellationTokenSource();
        _training = cts;
        _trainingAttempt = assignment.Attempt;
        _keepAlive ??= this.RegisterGrainTimer(static _ => Task.CompletedTask, new GrainTimerCreationOptions(KeepAlivePeriod, KeepAlivePeriod) { KeepAlive = true, Interleave = true });
        workers.Track(assignment.Slot.Device, TrainAsync(assignment, cts));
    }

    private void StopTraining()
    {
        _training?.Cancel();
        _training = null;
        _trainingAttempt = -1;
        _keepAlive?.Dispose();
        _keepAlive = null;
    }

    /// <summary>The fire-and-observe loop: runs on the activation's scheduler between awaits (so it may touch
    /// state), while each trainer call runs on the slot's worker thread. Other calls interleave at the
    /// awaits, so the attempt is re-checked after each one.</summary>
    private async Task TrainAsync(TrialAssignment assignment, CancellationTokenSource cts)
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding);
        RequestContext.Clear();
        var ct = cts.Token;
        var resumedFrom = state.State.CheckpointKey;
        var rungStarted = Stopwatch.GetTimestamp();
        try
        {
            if (!await ScoreInitialWeightsAsync(assignment, ct))
            {
                return;
            }

            if (resumedFrom is not null)
            {
                // The sweep's requeue message knows only the last rung it recorded; this names the real position.
                LogResuming(logger, _studyId, _trial, assignment.Attempt, state.State.EpochsDone, state.State.StepInEpoch, resumedFrom);
            }

            while (true)
            {
                var s = state.State;
                if (ct.IsCancellationRequested || s.Attempt != assignment.Attempt || !s.Status.IsActive())
                {
                    return;
                }

                var to = options.Value.CheckpointEveryEpoch ? Math.Min(s.EpochsDone + 1, assignment.ToEpoch) : assignment.ToEpoch;
                to = Math.Max(to, s.EpochsDone);
                var endOfRung = to >= assignment.ToEpoch;
                var setup = assignment.Setup;
                var work = new TrialWork(
                    _studyId, _trial, assignment.Attempt, setup.Config, setup.Dataset, setup.Probe, setup.MaxEpochs, setup.Seed,
                    s.EpochsDone, to, s.CheckpointKey, TrialKeys.Checkpoint(_studyId, _trial, to, assignment.Attempt), endOfRung, assignment.Slot.Device)
                {
                    FromStep = s.StepInEpoch,
                };
                s.Status = TrialStatus.Running;

                var outcome = await workers.RunAsync(work, _progress, ct);

                s = state.State;
                if (ct.IsCancellationRequested || s.Attempt != assignment.Attempt || !s.Status.IsActive())
                {
                    return;
                }

                var previous = s.CheckpointKey;
                if (outcome.StoppedAt is { } stoppedAt)
                {
                    await RecordStopAsync(work, outcome, stoppedAt, previous, resumedFrom);
                    return;
                }

                s.EpochsDone = to;
                s.StepInEpoch = 0;
                s.CheckpointKey = work.CheckpointKey;
                s.Cost += outcome.Cost;
                s.LossCurve.AddRange(outcome.LossCurve);
                RungReport? report = null;
                if (endOfRung)
                {
                    if (outcome.Scores is null)
                    {
                        throw new InvalidOperationException($"The trainer returned no probe scores at the end of rung {assignment.Rung} (epoch {to}).");
                    }

                    report = new RungReport(_studyId, _trial, assignment.Attempt, assignment.Rung, to, outcome.Scores, s.Cost) { Initial = s.InitialScores };
                    s.LastReport = report;
                    s.Status = to >= setup.MaxEpochs ? TrialStatus.Completed : TrialStatus.Paused;
                }

                // The checkpoint is stored (the trainer's contract); only now does the state point at it.
                await WriteAsync();
                if (previous is not null && previous != resumedFrom && previous != s.CheckpointKey)
                {
                    await DeleteQuietlyAsync(previous);
                }

                if (report is not null)
                {
                    // The activation stays: a promotion may arrive any moment, and asking to deactivate from
                    // outside a request would race with it. Idle collection removes it when ASHA is done with it.
                    StopTraining();
                    EngineMetrics.RungDuration.Record(Stopwatch.GetElapsedTime(rungStarted).TotalSeconds, EngineMetrics.Tags(_studyId, assignment.Slot.Device));
                    await ReportAsync(report);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Cancelled, superseded, deactivating or the silo's slots shutting down: an interruption, never a
            // failure. The stored checkpoint is where the next attempt (or a re-poke of this one) resumes.
            if (_trainingAttempt == assignment.Attempt)
            {
                StopTraining();
            }
        }
        catch (InconsistentStateException e)
        {
            // A newer activation of this trial has written its state: this one is stale and must stop.
            LogStale(logger, e, _studyId, _trial, assignment.Attempt);
            StopTraining();
            DeactivateOnIdle();
        }
        catch (Exception e) when (state.State.Attempt == assignment.Attempt && !ct.IsCancellationRequested)
        {
            await FailAsync(assignment, e);
        }
        catch (Exception e)
        {
            // Superseded while failing: the newer attempt owns the trial now.
            LogStale(logger, e, _studyId, _trial, assignment.Attempt);
        }
    }

    /// <summary>Before its first epoch, a trial scores its untrained encoder once with the same evaluations as
    /// at a rung's end (a trainer call that trains nothing, see <see cref="ITrialTrainer"/>), and keeps the
    /// result in its state so no resume recomputes it.</summary>
    /// <returns>False when the attempt was superseded meanwhile and must stop.</returns>
    private async Task<bool> ScoreInitialWeightsAsync(TrialAssignment assignment, CancellationToken ct)
    {
        if (state.State is not { InitialScores: null, EpochsDone: 0 })
        {
            return true;
        }

        var setup = assignment.Setup;
        var work = new TrialWork(
            _studyId, _trial, assignment.Attempt, setup.Config, setup.Dataset, setup.Probe, setup.MaxEpochs, setup.Seed,
            0, 0, null, TrialKeys.Checkpoint(_studyId, _trial, 0, assignment.Attempt), ProbeAtEnd: true, assignment.Slot.Device);
        var outcome = await workers.RunAsync(work, _progress, ct);
        var s = state.State;
        if (ct.IsCancellationRequested || s.Attempt != assignment.Attempt || !s.Status.IsActive())
        {
            return false;
        }

        s.InitialScores = outcome.Scores
            ?? throw new InvalidOperationException("The trainer returned no scores for the untrained encoder (epoch 0).");
        await WriteAsync();
        return true;
    }

    /// <summary>The silo is draining and the call stopped at a step boundary: the state points at the checkpoint
    /// stored there (stored first, by the trainer), and the loop ends. The drain then gives the slot back and tells
    /// the study, whose next attempt resumes at that step on another silo.</summary>
    private async Task RecordStopAsync(TrialWork work, RungOutcome outcome, StepPosition stoppedAt, string? previous, string? resumedFrom)
    {
        var s = state.State;
        s.EpochsDone = stoppedAt.Epoch;
        s.StepInEpoch = stoppedAt.Step;
        s.CheckpointKey = work.StopCheckpointKey;
        s.Cost += outcome.Cost;
        s.LossCurve.AddRange(outcome.LossCurve);
        await WriteAsync();
        if (previous is not null && previous != resumedFrom && previous != s.CheckpointKey)
        {
            await DeleteQuietlyAsync(previous);
        }

        LogStoppedForDrain(logger, _studyId, _trial, work.Attempt, stoppedAt);
        if (_trainingAttempt == work.Attempt)
        {
            StopTraining();
        }
    }

    private async Task FailAsync(TrialAssignment assignment, Exception error)
    {
        LogFailed(logger, error, _studyId, _trial, assignment.Rung, assignment.Attempt);
        EngineMetrics.RecordFailure(_studyId, assignment.Slot.Device, error);
        StopTraining();
        var s = state.State;
        var reason = $"{error.GetType().Name}: {error.Message}";
        s.Status = TrialStatus.Failed;
        s.FailureReason = reason;
        s.LastReport = new RungReport(_studyId, _trial, assignment.Attempt, assignment.Rung, s.EpochsDone, null, s.Cost, reason) { Initial = s.InitialScores };
        try
        {
            await WriteAsync();
        }
        catch (InconsistentStateException)
        {
            return;
        }

        await ReportAsync(s.LastReport);
    }

    /// <summary>Tells the sweep, retrying briefly; if the sweep stays unreachable its reconcile pass asks
    /// again and gets <see cref="TrialState.LastReport"/> back from <see cref="RunAsync"/>.</summary>
    private async Task ReportAsync(RungReport report)
    {
        var sweep = GrainFactory.GetGrain<ISweepGrain>(_studyId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sweep.ReportRungAsync(report);
                return;
            }
            catch (Exception e) when (attempt < 3)
            {
                LogReportRetry(logger, e, _studyId, _trial, report.Rung);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (Exception e)
            {
                LogReportLost(logger, e, _studyId, _trial, report.Rung);
                return;
            }
        }
    }

    private async Task WriteAsync()
    {
        await _writes.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await artifacts.DeleteAsync(key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(logger, e, key);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Trial {Study}/{Trial} moves to silo {Target}, which holds its slot")]
    private static partial void LogMoving(ILogger logger, string study, int trial, SiloAddress target);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Trial {Study}/{Trial} attempt {Attempt} is stale: a newer activation wrote its state")]
    private static partial void LogStale(ILogger logger, Exception exception, string study, int trial, int attempt);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Trial {Study}/{Trial} failed in rung {Rung} (attempt {Attempt})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string study, int trial, int rung, int attempt);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Trial {Study}/{Trial} could not report rung {Rung}; retrying")]
    private static partial void LogReportRetry(ILogger logger, Exception exception, string study, int trial, int rung);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Trial {Study}/{Trial} gave up reporting rung {Rung}; the sweep's reconcile pass will collect it")]
    private static partial void LogReportLost(ILogger logger, Exception exception, string study, int trial, int rung);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "Trial {Study}/{Trial} attempt {Attempt} stopped at {Position} for the silo's drain; its checkpoint is stored there")]
    private static partial void LogStoppedForDrain(ILogger logger, string study, int trial, int attempt, StepPosition position);

    [LoggerMessage(EventId = 307, Level = LogLevel.Information, Message = "Trial {Study}/{Trial} attempt {Attempt} does not start: this silo is draining and hands its slot back")]
    private static partial void LogNotStartedDraining(ILogger logger, string study, int trial, int attempt);

    [LoggerMessage(EventId = 308, Level = LogLevel.Information, Message = "Trial {Study}/{Trial} attempt {Attempt} resumes from epoch {Epoch} step {Step} (checkpoint {Key})")]
    private static partial void LogResuming(ILogger logger, string study, int trial, int attempt, int epoch, int step, string key);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Could not delete superseded checkpoint {Key}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string key);

    /// <summary>Written by the slot's worker thread, read by status calls: a single reference swap.</summary>
    private sealed class LatestProgress : IProgress<TrialProgress>
    {
        private TrialProgress? _latest;

        public TrialProgress? Latest => Volatile.Read(ref _latest);

        public void Report(TrialProgress value) => Volatile.Write(ref _latest, value);
    }
}

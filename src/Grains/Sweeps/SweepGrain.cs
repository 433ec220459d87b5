using System.Diagnostics;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Diagnostics;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Studies;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Utilities;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// A study's coordinator. Requests only queue work; one pump loop on the activation does the rest in
/// batches: apply every queued report to the scheduler, give each freed slot its next decision (requeued
/// trials first), lease more slots when there is work and room, persist all of it in one write, and only
/// then release surplus slots and send the decisions to the trials. A durable reminder re-runs the loop
/// with a reconcile pass (lost slots requeued, running trials re-poked, lost reports collected), so the
/// study survives the loss of any silo, this one included.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("definition", EngineStorage.GrainStorageName)] IPersistentState<SweepDefinitionState> definition,
    [PersistentState("progress", EngineStorage.GrainStorageName)] IPersistentState<SweepProgressState> progress,
    [PersistentState("table", EngineStorage.GrainStorageName)] IPersistentState<SweepTableState> table,
    IOptions<EngineOptions> options,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string ReconcileReminder = "reconcile";
    private const int StopNotificationParallelism = 32;
    private readonly Queue<(RungReport Report, long Received)> _reports = new();
    private readonly List<TaskCompletionSource> _cancelWaiters = [];
    private readonly SemaphoreSlim _writes = new(1, 1);
    private ObserverManager<ISweepObserver>? _observers;
    private IPersistentStudyScheduler? _scheduler;
    private Dictionary<int, TrialRecord>? _trials;
    private Task? _pump;
    private IGrainTimer? _slotPoll;
    private string? _cancelReason;
    private bool _reconcileWanted;
    private bool _dispatchWanted;
    private bool _schedulerHasWork = true;

    private SweepPlan Plan => definition.State.Plan ?? throw new InvalidOperationException($"Study '{StudyId}' has not been started.");

    private SweepProgressState State => progress.State;

    private string StudyId => this.GetPrimaryKeyString();

    private IDeviceLedgerGrain Ledger => DeviceLedger.Get(GrainFactory);

    private IPersistentStudyScheduler Scheduler => _scheduler ??= StudySchedulers.Restore(Plan.Scheduler, SweepProgressState.ToSchedulerSnapshot(Plan.Trials.Count, State.NextNewTrial, Trials), Plan.Repeats);

    /// <summary>Every started trial: the table with the journal laid over it (newer record wins).</summary>
    private Dictionary<int, TrialRecord> Trials
    {
        get
        {
            if (_trials is null)
            {
                _trials = new Dictionary<int, TrialRecord>(table.State.Trials);
                foreach (var (trial, record) in State.Recent)
                {
                    if (!_trials.TryGetValue(trial, out var tabled) || record.Changed >= tabled.Changed)
                    {
                        _trials[trial] = record;
                    }
                }
            }

            return _trials;
        }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _observers = new ObserverManager<ISweepObserver>(options.Value.ObserverExpiry, logger);
        if (State.Phase == SweepPhase.Running)
        {
            // Re-activated after a crash or collection: check every lease and trial before going on.
            _reconcileWanted = true;
            EnsurePump();
        }

        return Task.CompletedTask;
    }

    public async Task<SweepStatus> StartAsync(SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var problems = plan.Problems().ToList();
        if (plan.StudyId != StudyId)
        {
            problems.Add($"the plan is for study '{plan.StudyId}' but was sent to sweep '{StudyId}'");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Study '{plan.StudyId}' cannot start: {string.Join("; ", problems)}.", nameof(plan));
        }

        if (definition.State.Plan is { } existing)
        {
            if (!existing.IsSameStudyAs(plan))
            {
                throw new StudySpecConflictException($"Study '{StudyId}' already exists with a different spec; choose another name.");
            }

            if (State.Phase != SweepPhase.NotStarted)
            {
                return Status();
            }
        }
        else
        {
            definition.State.Plan = plan;
            definition.State.StartedAt = DateTimeOffset.UtcNow;
            await definition.WriteStateAsync();
        }

        // Listed before it runs, so a crash right after starting cannot hide a running study.
        await StudyRegistry.Get(GrainFactory).AddAsync(StudyId, definition.State.StartedAt ?? DateTimeOffset.UtcNow);
        _scheduler = StudySchedulers.Create(plan.Scheduler, plan.Trials.Count, plan.Repeats);
        State.Phase = SweepPhase.Running;
        await WriteProgressAsync();
        await this.RegisterOrUpdateReminder(ReconcileReminder, options.Value.ReconcilePeriod, options.Value.ReconcilePeriod);
        LogStarted(logger, StudyId, plan.Trials.Count, plan.MaxConcurrentTrials);
        await StartPixelBaselineAsync(plan);
        _dispatchWanted = true;
        EnsurePump();
        return Status();
    }

    public async Task<SweepStatus> CancelAsync(string reason)
    {
        if (State.Phase != SweepPhase.Running)
        {
            return Status();
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cancelReason ??= string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason;
        _cancelWaiters.Add(done);
        EnsurePump();
        await done.Task;
        return Status();
    }

    public Task<SweepStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(int top)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        return Task.FromResult<IReadOnlyList<LeaderboardEntry>>(Leaderboard().Take(top).ToList());
    }

    public Task<IReadOnlyList<TrialConfig>> GetTrialConfigsAsync() =>
        Task.FromResult(definition.State.Plan?.Trials ?? []);

    public Task ReportRungAsync(RungReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.StudyId != StudyId)
        {
            throw new ArgumentException($"Report for study '{report.StudyId}' was sent to sweep '{StudyId}'.", nameof(report));
        }

        if (State.Phase == SweepPhase.Running)
        {
            _reports.Enqueue((report, Stopwatch.GetTimestamp()));
            EnsurePump();
        }

        return Task.CompletedTask;
    }

    public Task RequestReconcileAsync(string reason)
    {
        if (State.Phase == SweepPhase.Running)
        {
            LogReconcileRequested(logger, StudyId, reason);
            _reconcileWanted = true;
            EnsurePump();
        }

        return Task.CompletedTask;
    }

    public Task SubscribeAsync(ISweepObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers!.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ISweepObserver observer)
    {
        _observers!.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReconcileReminder)
        {
            return;
        }

        if (State.Phase != SweepPhase.Running)
        {
            await UnregisterReconcileAsync();
            return;
        }

        _reconcileWanted = true;
        EnsurePump();
    }

    private void EnsurePump()
    {
        if (_pump is { IsCompleted: false })
        {
            return;
        }

        _pump = PumpAsync();
    }

    /// <summary>The one writer of <see cref="SweepProgressState"/> once the study runs. It is not a request,
    /// so reports interleave at its awaits and pile up into the next batch.</summary>
    private async Task PumpAsync()
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding);
        RequestContext.Clear();
        try
        {
            while (true)
            {
                if (_cancelWaiters.Count > 0)
                {
                    await CancelStudyAsync(_cancelReason ?? "cancelled");
                    continue;
                }

                if (State.Phase != SweepPhase.Running)
                {
                    _reports.Clear();
                    return;
                }

                var reconcile = _reconcileWanted;
                if (_reports.Count == 0 && !reconcile && !_dispatchWanted)
                {
                    return;
                }

                _reconcileWanted = false;
                _dispatchWanted = false;
                await RunBatchAsync(reconcile);
            }
        }
        catch (Exception e)
        {
            // Memory may now be ahead of storage: drop this activation; the next call or reminder reloads
            // the persisted state and reconciles (the trials still hold their reports).
            LogPumpFailure(e);
            foreach (var waiter in _cancelWaiters)
            {
                waiter.TrySetException(e);
            }

            _cancelWaiters.Clear();
            DeactivateOnIdle();
        }
    }

    private async Task RunBatchAsync(bool reconcile)
    {
        var pokes = reconcile ? await ReconcileLeasesAsync() : [];
        var received = new List<long>();
        var results = ApplyReports(received);
        var assignments = AssignFreeSlots();
        var plan = Plan;
        if ((_schedulerHasWork || State.Requeued.Count > 0) && State.Leases.Count < plan.MaxConcurrentTrials)
        {
            var granted = await Ledger.AcquireAsync(StudyId, plan.MaxConcurrentTrials - State.Leases.Count);
            if (granted.Count > 0)
            {
                State.Leases.AddRange(granted);
                assignments.AddRange(AssignFreeSlots());
            }
        }

        var surplus = FreeLeases();
        State.Leases.RemoveAll(surplus.Contains);
        var finished = TryFinish();
        if (finished)
        {
            surplus.AddRange(State.Leases);
            State.Leases.Clear();
        }

        // Everything decided above is durable before anything is acted on.
        await WriteProgressAsync();

        if (surplus.Count > 0)
        {
            await Ledger.ReleaseAsync(StudyId, surplus.Select(l => l.Id).ToList());
        }

        var assigned = assignments.Select(a => a.Trial).ToHashSet();
        await DispatchAsync([.. assignments, .. pokes.Where(p => !assigned.Contains(p.Trial))]);

        var now = Stopwatch.GetTimestamp();
        foreach (var at in received)
        {
            EngineMetrics.DecisionLatency.Record(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
        }

        if (received.Count > 0)
        {
            EngineMetrics.BatchSize.Record(received.Count);
        }

        Notify(results);
        if (finished)
        {
            await OnFinishedAsync();
        }
        else
        {
            UpdateSlotPoll();
        }
    }

    private List<RungResult> ApplyReports(List<long> received)
    {
        var results = new List<RungResult>();
        var metric = MetricNames.Parse(Plan.Scheduler.Metric);
        var lastRung = Scheduler.RungBudgets.Count - 1;
        while (_reports.TryDequeue(out var item))
        {
            received.Add(item.Received);
            var report = item.Report;

            // Idempotent per (trial, rung, attempt): only the current attempt of a running rung counts, once.
            if (!Trials.TryGetValue(report.Trial, out var record)
                || report.Attempt != record.Attempt
                || report.Rung != record.Rung
                || !record.Status.IsActive())
            {
                continue;
            }

            record.LeaseId = null;
            State.Requeued.Remove(report.Trial);
            record.EpochsDone = report.EpochsDone;
            record.Cost = report.Cost;
            double? score = null;
            if (report.Failed || report.Scores is null)
            {
                record.Status = TrialStatus.Failed;
                record.FailureReason = report.FailureReason ?? "the trial reported no probe scores";
                Scheduler.Fail(report.Trial, report.Rung);
            }
            else
            {
                record.InitialScores ??= report.Initial;
                score = MetricNames.Score(metric, report.Scores, record.InitialScores).Value;
                Put(record.Scores, report.Rung, score.Value);
                Put(record.RungCosts, report.Rung, report.Cost);
                Put(record.RungScores, report.Rung, report.Scores);

                record.LastScores = report.Scores;
                record.Status = report.Rung >= lastRung ? TrialStatus.Completed : TrialStatus.Paused;
                Scheduler.Report(report.Trial, report.Rung, score.Value);
            }

            Touch(report.Trial, record);
            results.Add(new RungResult(report.Trial, report.Rung, report.EpochsDone, score, record.Status, record.FailureReason));
        }

        return results;
    }

    /// <summary>Asks for the study's raw-pixel baseline (computed once, beside the trials); a failure to ask
    /// costs the leaderboard its baseline row, never the study.</summary>
    private async Task StartPixelBaselineAsync(SweepPlan plan)
    {
        try
        {
            await GrainFactory.GetGrain<Baselines.IStudyBaselineGrain>(StudyId).StartAsync(plan.Dataset, plan.Probe);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogBaselineNotStarted(logger, e, StudyId);
        }
    }

    /// <summary>Sets a per-rung entry, appending the first report of a rung and replacing a repeated one.</summary>
    private static void Put<T>(List<T> perRung, int rung, T value)
    {
        if (perRung.Count > rung)
        {
            perRung[rung] = value;
        }
        else
        {
            perRung.Add(value);
        }
    }

    /// <summary>Gives every held slot without a trial its next decision: requeued trials first (a new
    /// attempt that resumes from the checkpoint), then whatever the scheduler says.</summary>
    private List<TrialAssignment> AssignFreeSlots()
    {
        var assignments = new List<TrialAssignment>();
        foreach (var lease in FreeLeases())
        {
            if (State.Requeued.Count > 0)
            {
                var trial = State.Requeued[0];
                State.Requeued.RemoveAt(0);
                var requeued = Trials[trial];
                requeued.Attempt++;
                requeued.LeaseId = lease.Id;
                Touch(trial, requeued);
                assignments.Add(Assignment(trial, requeued, lease.Slot, isPromotion: requeued.Rung > 0));
                continue;
            }

            if (Scheduler.Next() is not SchedulerDecision.Run run)
            {
                _schedulerHasWork = false;
                break;
            }

            _schedulerHasWork = true;
            if (!Trials.TryGetValue(run.Trial, out var record))
            {
                record = new TrialRecord();
                Trials[run.Trial] = record;
            }

            record.Status = TrialStatus.Running;
            record.Rung = run.Rung;
            record.Attempt++;
            record.LeaseId = lease.Id;
            Touch(run.Trial, record);
            if (!run.IsPromotion)
            {
                State.NextNewTrial = Math.Max(State.NextNewTrial, run.Trial + 1);
            }

            assignments.Add(Assignment(run.Trial, record, lease.Slot, run.IsPromotion));
        }

        return assignments;
    }

    private TrialAssignment Assignment(int trial, TrialRecord record, DeviceSlot slot, bool isPromotion)
    {
        var plan = Plan;
        var setup = new TrialSetup(plan.Trials[trial], plan.Dataset, plan.Probe, plan.Scheduler.MaxEpochs, TrialSetup.SeedFor(plan.Seed, trial));
        return new TrialAssignment(StudyId, trial, record.Attempt, record.Rung, Scheduler.RungBudgets[record.Rung], isPromotion, slot, setup);
    }

    private List<SlotLease> FreeLeases()
    {
        var bound = Trials.Values.Where(r => r.LeaseId is not null && r.Status.IsActive()).Select(r => r.LeaseId!.Value).ToHashSet();
        return State.Leases.Where(l => !bound.Contains(l.Id)).ToList();
    }

    /// <summary>Compares the held leases with the ledger's: trials on lost slots go back in the queue,
    /// leases the ledger knows but this state does not (a crash between leasing and writing) are adopted.
    /// Returns the running trials to re-poke with their current assignment.</summary>
    private async Task<List<TrialAssignment>> ReconcileLeasesAsync()
    {
        var live = await Ledger.GetLeasesAsync(StudyId);
        var liveIds = live.Select(l => l.Id).ToHashSet();
        var held = State.Leases.Select(l => l.Id).ToHashSet();
        foreach (var lost in State.Leases.Where(l => !liveIds.Contains(l.Id)).ToList())
        {
            LogSlotLost(logger, StudyId, lost.Slot.ToString());
            State.Leases.Remove(lost);
        }

        State.Leases.AddRange(live.Where(l => !held.Contains(l.Id)));
        var slots = State.Leases.ToDictionary(l => l.Id, l => l.Slot);
        var pokes = new List<TrialAssignment>();
        foreach (var (trial, record) in Trials.Where(t => t.Value.Status.IsActive()).OrderBy(t => t.Key))
        {
            if (record.LeaseId is { } id && slots.TryGetValue(id, out var slot))
            {
                pokes.Add(Assignment(trial, record, slot, isPromotion: record.Rung > 0));
            }
            else if (!State.Requeued.Contains(trial))
            {
                record.LeaseId = null;
                Touch(trial, record);
                State.Requeued.Add(trial);
                LogRequeued(logger, StudyId, trial, record.EpochsDone);
            }
        }

        return pokes;
    }

    private async Task DispatchAsync(IReadOnlyList<TrialAssignment> assignments)
    {
        if (assignments.Count == 0)
        {
            return;
        }

        var calls = new List<(TrialAssignment Assignment, Task<TrialAck> Ack)>(assignments.Count);
        foreach (var assignment in assignments)
        {
            // The hint puts a trial's first activation on the silo that owns its slot.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, assignment.Slot.Silo);
            try
            {
                calls.Add((assignment, Trial(assignment.Trial).RunAsync(assignment)));
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }

        foreach (var (assignment, call) in calls)
        {
            TrialAck ack;
            try
            {
                ack = await call;
            }
            catch (Exception e)
            {
                // The decision is persisted; the next reconcile pass repeats it.
                LogDispatchFailed(logger, e, StudyId, assignment.Trial, assignment.Attempt);
                continue;
            }

            switch (ack.Kind)
            {
                case TrialAckKind.Done when ack.Report is not null:
                    _reports.Enqueue((ack.Report, Stopwatch.GetTimestamp()));
                    break;
                case TrialAckKind.Stale when Trials.TryGetValue(assignment.Trial, out var record) && record.Attempt == assignment.Attempt && record.Status.IsActive():
                    // The trial has seen a newer attempt than this state remembers: go past it.
                    record.Attempt = Math.Max(record.Attempt, ack.Attempt);
                    record.LeaseId = null;
                    Touch(assignment.Trial, record);
                    State.Requeued.Insert(0, assignment.Trial);
                    _dispatchWanted = true;
                    break;
                case TrialAckKind.Rejected:
                    _reports.Enqueue((new RungReport(StudyId, assignment.Trial, assignment.Attempt, assignment.Rung, 0, null, TrialCost.Zero, ack.Reason ?? "the trial refused its assignment"), Stopwatch.GetTimestamp()));
                    break;
            }
        }
    }

    private bool TryFinish()
    {
        if (!Scheduler.IsFinished || State.Requeued.Count > 0 || Trials.Values.Any(r => r.Status.IsActive()))
        {
            return false;
        }

        State.Phase = SweepPhase.Finished;
        State.FinishedAt = DateTimeOffset.UtcNow;
        foreach (var (trial, record) in Trials.Where(t => t.Value.Status == TrialStatus.Paused).ToList())
        {
            record.Status = TrialStatus.Stopped;
            Touch(trial, record);
        }

        return true;
    }

    private async Task OnFinishedAsync()
    {
        LogFinished(logger, StudyId, Trials.Count);
        StopSlotPoll();
        await UnregisterReconcileAsync();
        _ = TellTrialsAsync(Trials.Where(t => t.Value.Status == TrialStatus.Stopped).Select(t => t.Key).ToList(), static trial => trial.StopAsync());
    }

    private async Task CancelStudyAsync(string reason)
    {
        var running = Trials.Where(t => t.Value.Status.IsActive()).Select(t => t.Key).ToList();
        var paused = Trials.Where(t => t.Value.Status == TrialStatus.Paused).Select(t => t.Key).ToList();
        foreach (var trial in running)
        {
            var record = Trials[trial];
            record.Status = TrialStatus.Cancelled;
            record.FailureReason = reason;
            record.LeaseId = null;
            Touch(trial, record);
        }

        foreach (var trial in paused)
        {
            Trials[trial].Status = TrialStatus.Stopped;
            Touch(trial, Trials[trial]);
        }

        State.Requeued.Clear();
        State.Leases.Clear();
        State.Phase = SweepPhase.Cancelled;
        State.CancelReason = reason;
        State.FinishedAt = DateTimeOffset.UtcNow;
        _reports.Clear();
        await WriteProgressAsync();

        // Trials stop first (their workers are told), then the slots go back to the ledger.
        await TellTrialsAsync(running, trial => trial.CancelAsync(reason));
        await Ledger.ReleaseAllAsync(StudyId);
        StopSlotPoll();
        await UnregisterReconcileAsync();
        LogCancelled(logger, StudyId, reason, running.Count);
        Notify([]);
        foreach (var waiter in _cancelWaiters)
        {
            waiter.TrySetResult();
        }

        _cancelWaiters.Clear();
        _ = TellTrialsAsync(paused, static trial => trial.StopAsync());
    }

    /// <summary>Best effort, a bounded number of calls at a time; stops at the first batch with a failure
    /// (the silo is usually shutting down), since the sweep's records are authoritative anyway.</summary>
    private async Task TellTrialsAsync(IReadOnlyList<int> trials, Func<ITrialGrain, Task> call)
    {
        for (var start = 0; start < trials.Count; start += StopNotificationParallelism)
        {
            var batch = trials.Skip(start).Take(StopNotificationParallelism).ToList();
            try
            {
                await Task.WhenAll(batch.Select(trial => call(Trial(trial))));
            }
            catch (Exception e)
            {
                LogTellFailed(logger, e, StudyId, trials.Count - start);
                return;
            }
        }
    }

    private void UpdateSlotPoll()
    {
        var wantsSlots = (_schedulerHasWork || State.Requeued.Count > 0) && State.Leases.Count < Plan.MaxConcurrentTrials;
        if (!wantsSlots)
        {
            StopSlotPoll();
            return;
        }

        var period = options.Value.SlotPollPeriod;
        _slotPoll ??= this.RegisterGrainTimer(() =>
        {
            _dispatchWanted = true;
            EnsurePump();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(period, period) { Interleave = true });
    }

    private void StopSlotPoll()
    {
        _slotPoll?.Dispose();
        _slotPoll = null;
    }

    /// <summary>The study no longer needs its reconcile reminder, and the registry hears that it ended.</summary>
    private async Task UnregisterReconcileAsync()
    {
        if (await this.GetReminder(ReconcileReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await StudyRegistry.Get(GrainFactory).MarkEndedAsync(StudyId, State.FinishedAt ?? DateTimeOffset.UtcNow);
    }

    private void Notify(IReadOnlyList<RungResult> results)
    {
        if (_observers is not { Count: > 0 })
        {
            return;
        }

        var update = new SweepUpdate(Status(), results);
        _observers.Notify(observer => observer.OnSweepUpdatedAsync(update));
    }

    /// <summary>Marks a record as changed by the coming write.</summary>
    private void Touch(int trial, TrialRecord record)
    {
        record.Changed = State.Sequence + 1;
        State.Recent[trial] = record;
    }

    /// <summary>One write of the header and the journal; when the journal has grown past a sixteenth of the
    /// study, the whole table is written and the journal emptied (any crash in between leaves a journal
    /// whose records are no newer than the table's, so loading stays correct).</summary>
    private async Task WriteProgressAsync()
    {
        await _writes.WaitAsync();
        try
        {
            State.Sequence++;
            await progress.WriteStateAsync();
            var compactAt = Math.Max(256, (definition.State.Plan?.Trials.Count ?? 0) / 16);
            if (State.Recent.Count > compactAt)
            {
                table.State.Trials = new Dictionary<int, TrialRecord>(Trials);
                await table.WriteStateAsync();
                State.Recent.Clear();
                await progress.WriteStateAsync();
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>A silo that died or is stopping is expected (a warning); anything else is an error with its stack.</summary>
    private void LogPumpFailure(Exception e)
    {
        if (ClusterFaults.IsExpected(e))
        {
            LogPumpInterrupted(logger, StudyId, e.Message);
        }
        else
        {
            LogPumpFailed(logger, e, StudyId);
        }
    }

    private ITrialGrain Trial(int trial) => GrainFactory.GetGrain<ITrialGrain>(TrialKeys.GrainKey(StudyId, trial));

    private SweepStatus Status()
    {
        var plan = definition.State.Plan;
        var trialCount = plan?.Trials.Count ?? 0;
        var byStatus = Trials.Values.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        int Count(TrialStatus status) => byStatus.GetValueOrDefault(status);
        var neverStarted = trialCount - Trials.Count;
        var cancelled = State.Phase == SweepPhase.Cancelled;
        var counts = new TrialCounts(
            cancelled ? 0 : neverStarted,
            Count(TrialStatus.Running) + Count(TrialStatus.Promoted),
            Count(TrialStatus.Paused),
            Count(TrialStatus.Stopped),
            Count(TrialStatus.Completed),
            Count(TrialStatus.Failed),
            Count(TrialStatus.Cancelled) + (cancelled ? neverStarted : 0));
        var boundTo = Trials.Where(t => t.Value.LeaseId is not null && t.Value.Status.IsActive()).ToDictionary(t => t.Value.LeaseId!.Value, t => t.Key);
        var slots = State.Leases.Select(l => new SlotUse(l.Slot, boundTo.TryGetValue(l.Id, out var trial) ? trial : null)).ToList();
        return new SweepStatus(
            StudyId, State.Phase, trialCount, counts, slots, Best(),
            plan?.Scheduler.Metric ?? "", definition.State.StartedAt, State.FinishedAt, State.CancelReason)
        {
            Mode = plan?.Scheduler.Mode ?? MetricMode.Max,
            Deciding = _pump is { IsCompleted: false },
            Repeats = plan?.Repeats ?? 1,
            MaxConcurrentTrials = plan?.MaxConcurrentTrials ?? 0,
        };
    }

    /// <summary>The leaderboard's first scored entry, found in one pass (status is asked for often).</summary>
    private LeaderboardEntry? Best()
    {
        if (definition.State.Plan is not { } plan)
        {
            return null;
        }

        KeyValuePair<int, TrialRecord>? best = null;
        foreach (var entry in Trials)
        {
            if (entry.Value.Scores.Count > 0 && (best is not { } b || TrialRanking.Compare(Key(entry), Key(b), plan.Scheduler.Mode) < 0))
            {
                best = entry;
            }
        }

        return best is { } top && double.IsFinite(top.Value.Scores[^1]) ? Entry(plan, top.Key, top.Value) : null;
    }

    /// <summary>A trial's ranking key: the score of its latest reported rung and that rung's epochs (not the
    /// epochs a running trial has trained since, which no score stands behind yet).</summary>
    private RankingKey Key(KeyValuePair<int, TrialRecord> trial) =>
        trial.Value.Scores.Count is var rungs and > 0
            ? new(trial.Key, trial.Value.Scores[^1], Scheduler.RungBudgets[rungs - 1])
            : new(trial.Key, double.NaN, 0);

    private LeaderboardEntry Entry(SweepPlan plan, int trial, TrialRecord record)
    {
        var failed = record.Status == TrialStatus.Failed;
        return new(trial, plan.Trials[trial], record.Status, Math.Max(record.Scores.Count - 1, 0), record.EpochsDone,
            record.Scores.Count > 0 ? record.Scores[^1] : double.NaN, record.LastScores, record.Cost)
        {
            Rungs = [.. record.Scores.Select((score, rung) => new RungPoint(
                Scheduler.RungBudgets[rung], score, rung < record.RungCosts.Count ? record.RungCosts[rung] : null)
            {
                Scores = rung < record.RungScores.Count ? record.RungScores[rung] : null,
            })],
            InitialScores = record.InitialScores,
            FailureReason = failed ? record.FailureReason : null,
            FailedRung = failed ? record.Rung : null,
        };
    }

    /// <summary>Every trial that has started, scored or not, in <see cref="TrialRanking"/>'s order: a failed
    /// trial is listed (last, with its reason) rather than left out.</summary>
    private IEnumerable<LeaderboardEntry> Leaderboard()
    {
        if (definition.State.Plan is not { } plan)
        {
            return [];
        }

        return TrialRanking.Order(Trials, Key, plan.Scheduler.Mode).Select(t => Entry(plan, t.Key, t.Value));
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Study {Study} started: {Trials} trials, at most {MaxConcurrent} at once")]
    private static partial void LogStarted(ILogger logger, string study, int trials, int maxConcurrent);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Study {Study} finished: {Trials} trials ran")]
    private static partial void LogFinished(ILogger logger, string study, int trials);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Study {Study} cancelled ({Reason}); {Running} running trials stopped")]
    private static partial void LogCancelled(ILogger logger, string study, string reason, int running);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Study {Study} lost slot {Slot}: its silo is gone")]
    private static partial void LogSlotLost(ILogger logger, string study, string slot);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Study {Study} requeued trial {Trial}; it resumes from epoch {Epoch}")]
    private static partial void LogRequeued(ILogger logger, string study, int trial, int epoch);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Study {Study} could not reach trial {Trial} (attempt {Attempt}); the reconcile pass repeats it")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, string study, int trial, int attempt);

    [LoggerMessage(EventId = 406, Level = LogLevel.Error, Message = "Study {Study}: the coordinator loop failed; the activation reloads its persisted state")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, string study);

    [LoggerMessage(EventId = 409, Level = LogLevel.Warning, Message = "Study {Study}: the coordinator loop was interrupted by a cluster change ({Reason}); the activation reloads its persisted state")]
    private static partial void LogPumpInterrupted(ILogger logger, string study, string reason);

    [LoggerMessage(EventId = 407, Level = LogLevel.Information, Message = "Study {Study} stopped telling {Left} trials that it ended; their records in the sweep are authoritative")]
    private static partial void LogTellFailed(ILogger logger, Exception exception, string study, int left);

    [LoggerMessage(EventId = 409, Level = LogLevel.Warning, Message = "Study {Study} could not ask for its raw-pixel baseline; the leaderboard will show none")]
    private static partial void LogBaselineNotStarted(ILogger logger, Exception exception, string study);

    [LoggerMessage(EventId = 408, Level = LogLevel.Information, Message = "Study {Study} re-checks its slots and trials now: {Reason}")]
    private static partial void LogReconcileRequested(ILogger logger, string study, string reason);
}

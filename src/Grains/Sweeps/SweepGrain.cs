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
    private readonly SweepInbox _inbox = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private StudyBook? _book;
    private TrialMessenger? _messenger;
    private Task? _pump;
    private IGrainTimer? _slotPoll;

    private SweepProgressState State => progress.State;

    private string StudyId => this.GetPrimaryKeyString();

    private IDeviceLedgerGrain Ledger => DeviceLedger.Get(GrainFactory);

    private TrialMessenger Messenger => _messenger ??= new TrialMessenger(GrainFactory, StudyId, logger);

    /// <summary>The study's bookkeeping over its persisted state, loaded on first use.</summary>
    private StudyBook Book => _book ??= StudyBook.Load(
        definition.State.Plan ?? throw new InvalidOperationException($"Study '{StudyId}' has not been started."), progress.State, table.State);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Phase == SweepPhase.Running)
        {
            // Re-activated after a crash or collection: check every lease and trial before going on.
            _inbox.WantReconcile();
            EnsurePump();
        }
        else if (State.Phase == SweepPhase.Finished && definition.State.Plan is not null && Book.HasUnstartedTrials)
        {
            // It grew, and the silo died between storing the grown plan and running it again.
            _inbox.WantReopen();
            EnsurePump();
        }

        return Task.CompletedTask;
    }

    public async Task<SweepStatus> StartAsync(SweepPlan plan)
    {
        CheckPlan(plan);
        if (definition.State.Plan is { } existing)
        {
            if (!existing.IsSameStudyAs(plan) && !PlanGrowth.IsGrowthOf(existing, plan))
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
        Book.Start();
        await WriteProgressAsync();
        await this.RegisterOrUpdateReminder(ReconcileReminder, options.Value.ReconcilePeriod, options.Value.ReconcilePeriod);
        LogStarted(logger, StudyId, plan.TrialCount, plan.MaxConcurrentTrials);
        await StartPixelBaselineAsync(plan);
        _inbox.WantDispatch();
        EnsurePump();
        return Status();
    }

    private void CheckPlan(SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.ProblemsFor(StudyId) is { Count: > 0 } problems)
        {
            throw new ArgumentException($"Study '{plan.StudyId}' cannot start: {string.Join("; ", problems)}.", nameof(plan));
        }
    }

    public async Task<SweepStatus> CancelAsync(string reason)
    {
        if (State.Phase != SweepPhase.Running)
        {
            return Status();
        }

        var done = _inbox.AskCancel(reason);
        EnsurePump();
        await done;
        return Status();
    }

    public async Task<SweepStatus> GrowAsync(StudyGrowth growth)
    {
        var grown = PlanGrowth.Require(StudyId, definition.State.Plan, State, growth);
        if (grown.AddedTrials == 0)
        {
            return Status();
        }

        var stored = _inbox.AskGrowth(grown.Plan!);
        EnsurePump();
        await stored;
        return Status();
    }

    public Task<SweepStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(int top)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        return Task.FromResult<IReadOnlyList<LeaderboardEntry>>(definition.State.Plan is null ? [] : Book.Standings.Leaderboard().Take(top).ToList());
    }

    public Task<IReadOnlyDictionary<int, TrialConfig>> GetTrialConfigsAsync() =>
        Task.FromResult<IReadOnlyDictionary<int, TrialConfig>>(definition.State.Plan is null ? new Dictionary<int, TrialConfig>() : Book.Configurations());

    public Task ReportRungAsync(RungReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.StudyId != StudyId)
        {
            throw new ArgumentException($"Report for study '{report.StudyId}' was sent to sweep '{StudyId}'.", nameof(report));
        }

        if (State.Phase == SweepPhase.Running)
        {
            _inbox.Add(report);
            EnsurePump();
        }

        return Task.CompletedTask;
    }

    public Task RequestReconcileAsync(string reason)
    {
        if (State.Phase == SweepPhase.Running)
        {
            LogReconcileRequested(logger, StudyId, reason);
            _inbox.WantReconcile();
            EnsurePump();
        }

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

        _inbox.WantReconcile();
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
                if (_inbox.CancelAsked)
                {
                    await CancelStudyAsync(_inbox.CancelReason);
                }
                else if (_inbox.GrowthAsked)
                {
                    await GrowStudyAsync(_inbox.TakeGrowths());
                }
                else if (State.Phase != SweepPhase.Running)
                {
                    _inbox.DropReports();
                    return;
                }
                else if (_inbox.HasBatchWork)
                {
                    await RunBatchAsync(_inbox.TakeBatch());
                }
                else
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            OnPumpFailed(e);
        }
    }

    /// <summary>Memory may now be ahead of storage: drop this activation; the next call or reminder reloads
    /// the persisted state and reconciles (the trials still hold their reports).</summary>
    private void OnPumpFailed(Exception e)
    {
        LogPumpFailure(e);
        _inbox.Fail(e);
        DeactivateOnIdle();
    }

    /// <summary>Stores each grown plan (the definition first: a crash after it leaves a finished study with
    /// trials never started, which activation reopens), rebuilds the book over it, and runs the study again.</summary>
    private async Task GrowStudyAsync(IReadOnlyList<(SweepPlan Plan, TaskCompletionSource Stored)> growths)
    {
        foreach (var (plan, _) in growths)
        {
            var added = plan.TrialCount - Book.Plan.TrialCount;
            if (added <= 0)
            {
                continue;
            }

            definition.State.Plan = plan;
            await definition.WriteStateAsync();
            _book = StudyBook.Load(plan, progress.State, table.State);
            LogGrown(logger, StudyId, added, plan.TrialCount);
        }

        if (Book.Reopen())
        {
            // Listed as running again before it runs, as at the start.
            await StudyRegistry.Get(GrainFactory).AddAsync(StudyId, definition.State.StartedAt ?? DateTimeOffset.UtcNow);
            await WriteProgressAsync();
            await this.RegisterOrUpdateReminder(ReconcileReminder, options.Value.ReconcilePeriod, options.Value.ReconcilePeriod);
        }

        _inbox.WantDispatch();
        SweepInbox.GrowthsDone(growths);
    }

    private async Task RunBatchAsync(SweepBatchWork work)
    {
        var pokes = work.Reconcile ? await ReconcileLeasesAsync() : [];
        foreach (var (report, _) in work.Reports)
        {
            Book.Apply(report);
        }

        var assignments = Book.AssignFreeSlots();
        if (Book.WantsSlots)
        {
            assignments.AddRange(Book.AddLeases(await Ledger.AcquireAsync(StudyId, Book.SlotsWanted)));
        }

        var end = Book.EndBatch(DateTimeOffset.UtcNow);

        // Everything decided above is durable before anything is acted on.
        await WriteProgressAsync();
        if (end.Release.Count > 0)
        {
            await Ledger.ReleaseAsync(StudyId, end.Release.Select(l => l.Id).ToList());
        }

        var assigned = assignments.Select(a => a.Trial).ToHashSet();
        await DispatchAsync([.. assignments, .. pokes.Where(p => !assigned.Contains(p.Trial))]);
        EngineMetrics.RecordDecisions(work.Reports.Select(r => r.Received));
        if (end.Finished)
        {
            await OnFinishedAsync();
        }
        else
        {
            UpdateSlotPoll();
        }
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

    /// <summary>Hands the ledger's leases to the book, logs what was lost and requeued, and returns the
    /// running trials to re-poke with their current assignment.</summary>
    private async Task<IReadOnlyList<TrialAssignment>> ReconcileLeasesAsync()
    {
        var found = Book.Reconcile(await Ledger.GetLeasesAsync(StudyId));
        foreach (var lost in found.Lost)
        {
            LogSlotLost(logger, StudyId, lost.Slot.ToString());
        }

        foreach (var trial in found.Requeued)
        {
            LogRequeued(logger, StudyId, trial, Book.Table.All[trial].EpochsDone);
        }

        return found.Pokes;
    }

    /// <summary>Sends the decisions and reads each answer into the book: a finished rung is applied next batch,
    /// a requeued trial is dispatched again; a failed call waits for the reconcile pass (the decision is stored).</summary>
    private async Task DispatchAsync(IReadOnlyList<TrialAssignment> assignments)
    {
        foreach (var (assignment, ack) in await Messenger.SendAsync(assignments))
        {
            if (ack is null)
            {
                continue;
            }

            var outcome = Book.Acknowledge(assignment, ack);
            if (outcome.Report is { } report)
            {
                _inbox.Add(report);
            }

            if (outcome.Requeued)
            {
                _inbox.WantDispatch();
            }
        }
    }

    private async Task OnFinishedAsync()
    {
        LogFinished(logger, StudyId, Book.Table.All.Count);
        StopSlotPoll();
        await UnregisterReconcileAsync();
        _ = Messenger.TellAsync(Book.StoppedTrials(), static trial => trial.StopAsync());
    }

    private async Task CancelStudyAsync(string reason)
    {
        var cancelled = Book.Cancel(reason, DateTimeOffset.UtcNow);
        _inbox.DropReports();
        await WriteProgressAsync();

        // Trials stop first (their workers are told), then the slots go back to the ledger.
        await Messenger.TellAsync(cancelled.Running, trial => trial.CancelAsync(reason));
        await Ledger.ReleaseAllAsync(StudyId);
        StopSlotPoll();
        await UnregisterReconcileAsync();
        LogCancelled(logger, StudyId, reason, cancelled.Running.Count);
        _inbox.Cancelled();
        _ = Messenger.TellAsync(cancelled.Paused, static trial => trial.StopAsync());
    }

    private void UpdateSlotPoll()
    {
        if (!Book.WantsSlots)
        {
            StopSlotPoll();
            return;
        }

        var period = options.Value.SlotPollPeriod;
        _slotPoll ??= this.RegisterGrainTimer(() =>
        {
            _inbox.WantDispatch();
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

    /// <summary>One write at a time: the pump and a cancel never interleave their writes.</summary>
    private async Task WriteProgressAsync()
    {
        await _writes.WaitAsync();
        try
        {
            await Book.Table.WriteAsync(Book.Plan.TrialCount, progress.WriteStateAsync, table.WriteStateAsync);
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

    private SweepStatus Status() => definition.State.Plan is null
        ? StudyStandings.Unstarted(StudyId, State, definition.State.StartedAt)
        : Book.Standings.Status(State, definition.State.StartedAt, deciding: _pump is { IsCompleted: false });
}

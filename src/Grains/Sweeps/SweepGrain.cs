using LensSweep.Grains.Baselines;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Diagnostics;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Studies;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// A study's coordinator: it only persists the study's state and turns the decisions of its <see cref="StudyBook"/>
/// into grain calls. Requests queue work in a <see cref="SweepInbox"/> and return; one pump loop on the activation
/// takes it in order (a cancel, growth, then batches). A batch's decisions (<see cref="StudyBatch"/>) are persisted
/// in one write before surplus slots are released and the trials are told (<see cref="TrialMessenger"/>). The
/// reconcile reminder (<see cref="SweepWakeups"/>) re-runs the loop with a reconcile pass (lost slots requeued,
/// running trials re-poked, lost reports collected), so the study survives the loss of any silo, this one included.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("definition", EngineStorage.GrainStorageName)] IPersistentState<SweepDefinitionState> definition,
    [PersistentState("progress", EngineStorage.GrainStorageName)] IPersistentState<SweepProgressState> progress,
    [PersistentState("table", EngineStorage.GrainStorageName)] IPersistentState<SweepTableState> table,
    IOptions<EngineOptions> options,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private readonly SweepInbox _inbox = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private StudyBook? _book;
    private TrialMessenger? _messenger;
    private SweepWakeups? _wakeups;
    private Task? _pump;
    private BaselineAsks? _baselineAsks;

    private SweepProgressState State => progress.State;

    private string StudyId => this.GetPrimaryKeyString();

    private IDeviceLedgerGrain Ledger => DeviceLedger.Get(GrainFactory);

    private IStudyRegistryGrain Registry => StudyRegistry.Get(GrainFactory);

    private TrialMessenger Messenger => _messenger ??= new TrialMessenger(GrainFactory, StudyId, logger);

    private SweepWakeups Wakeups => _wakeups ??= new SweepWakeups(this, options.Value);

    /// <summary>The study's bookkeeping over its persisted state, loaded on first use.</summary>
    private StudyBook Book => _book ??= StudyBook.Load(
        definition.State.Plan ?? throw new InvalidOperationException($"Study '{StudyId}' has not been started."), progress.State, table.State);

    private StudyQueries Queries => new(StudyId, definition.State, State, definition.State.Plan is null ? null : Book);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_inbox.Recover(State.Phase, () => definition.State.Plan is not null && Book.HasUnstartedTrials))
        {
            EnsurePump();
        }

        return Task.CompletedTask;
    }

    public async Task<SweepStatus> StartAsync(SweepPlan plan)
    {
        var step = StudyStart.Decide(StudyId, definition.State.Plan, plan, State.Phase);
        if (step == StartStep.AnswerStatus)
        {
            return Status();
        }

        if (step == StartStep.StorePlan)
        {
            definition.State.Plan = plan;
            definition.State.StartedAt = DateTimeOffset.UtcNow;
            await definition.WriteStateAsync();
        }

        // Listed before it runs, so a crash right after starting cannot hide a running study.
        await ListAsRunningAsync();
        Book.Start();
        await PersistRunningAsync();
        LogStarted(logger, StudyId, plan.TrialCount, plan.MaxConcurrentTrials);
        await AskForPixelBaselineAsync();
        WhileRunning(_inbox.WantDispatch);
        return Status();
    }

    public async Task<SweepStatus> CancelAsync(string reason) =>
        State.Phase == SweepPhase.Running ? await PumpedAsync(_inbox.AskCancel(reason)) : Status();

    public async Task<SweepStatus> GrowAsync(StudyGrowth growth)
    {
        var grown = PlanGrowth.Require(StudyId, definition.State.Plan, State, growth);
        return grown.AddedTrials == 0 ? Status() : await PumpedAsync(_inbox.AskGrowth(grown.Plan!));
    }

    public Task<SweepStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(int top) => Task.FromResult(Queries.Leaderboard(top));

    public Task<IReadOnlyDictionary<int, TrialConfig>> GetTrialConfigsAsync() => Task.FromResult(Queries.Configurations());

    public Task ReportRungAsync(RungReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.StudyId != StudyId)
        {
            throw new ArgumentException($"Report for study '{report.StudyId}' was sent to sweep '{StudyId}'.", nameof(report));
        }

        WhileRunning(() => _inbox.Add(report));
        return Task.CompletedTask;
    }

    public Task RequestReconcileAsync(string reason)
    {
        if (WhileRunning(_inbox.WantReconcile))
        {
            LogReconcileRequested(logger, StudyId, reason);
        }

        return Task.CompletedTask;
    }

    /// <summary>The reconcile reminder re-checks a running study; one that has ended lets it go.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SweepWakeups.ReconcileReminder && !WhileRunning(_inbox.WantReconcile))
        {
            await EndAsync();
        }
    }

    /// <summary>Queues work for the pump of a running study; false (nothing asked) when the study does not run.</summary>
    private bool WhileRunning(Action ask)
    {
        if (State.Phase != SweepPhase.Running)
        {
            return false;
        }

        ask();
        EnsurePump();
        return true;
    }

    /// <summary>The study's status once the pump has done what was asked.</summary>
    private async Task<SweepStatus> PumpedAsync(Task asked)
    {
        EnsurePump();
        await asked;
        return Status();
    }

    private void EnsurePump() => _pump = _pump is { IsCompleted: false } ? _pump : PumpAsync();

    /// <summary>The one writer of <see cref="SweepProgressState"/> once the study runs. It is not a request,
    /// so reports interleave at its awaits and pile up into the next batch. When it fails, memory may be ahead
    /// of storage: the activation is dropped, and the next call or reminder reloads the persisted state and
    /// reconciles (the trials still hold their reports).</summary>
    private async Task PumpAsync()
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding);
        RequestContext.Clear();
        try
        {
            while (NextStep() is { } step)
            {
                await step;
            }
        }
        catch (Exception e)
        {
            LogPumpFailure(e);
            _inbox.Fail(e);
            DeactivateOnIdle();
        }
    }

    private Task? NextStep() => _inbox.Next(State.Phase) switch
    {
        PumpStep.Cancel => CancelStudyAsync(_inbox.CancelReason),
        PumpStep.Grow => GrowStudyAsync(_inbox.TakeGrowths()),
        PumpStep.Batch => RunBatchAsync(_inbox.TakeBatch()),
        _ => null,
    };

    /// <summary>Stores each grown plan (the definition first: a crash after it leaves a finished study with
    /// trials never started, which activation reopens), rebuilds the book over it, and runs the study again.</summary>
    private async Task GrowStudyAsync(IReadOnlyList<(SweepPlan Plan, TaskCompletionSource Stored)> growths)
    {
        foreach (var (plan, added) in PlanGrowth.Steps(Book.Plan, growths.Select(g => g.Plan)))
        {
            definition.State.Plan = plan;
            await definition.WriteStateAsync();
            _book = StudyBook.Load(plan, progress.State, table.State);
            LogGrown(logger, StudyId, added, plan.TrialCount);
        }

        if (Book.Reopen())
        {
            // Listed as running again before it runs, as at the start.
            await ListAsRunningAsync();
            await PersistRunningAsync();
        }

        _inbox.WantDispatch();
        SweepInbox.GrowthsDone(growths);
    }

    private async Task RunBatchAsync(SweepBatchWork work)
    {
        if (work.Reconcile)
        {
            await AskForPixelBaselineAsync();
        }

        var pokes = work.Reconcile ? Reconcile(await Ledger.GetLeasesAsync(StudyId)) : [];
        var batch = await StudyBatch.DecideAsync(
            Book, pokes, work.Reports.Select(r => r.Report), wanted => Ledger.AcquireAsync(StudyId, wanted), TimeProvider.System);

        // Everything decided above is durable before anything is acted on.
        await WriteProgressAsync();
        if (batch.Release.Count > 0)
        {
            await Ledger.ReleaseAsync(StudyId, batch.Release.Select(l => l.Id).ToList());
        }

        _inbox.Add(Book.Acknowledge(await Messenger.SendAsync(batch.Send)));
        EngineMetrics.RecordDecisions(work.Reports.Select(r => r.Received));
        if (batch.Finished)
        {
            await OnFinishedAsync();
        }
        else
        {
            Wakeups.PollSlots(Book.WantsSlots, () => WhileRunning(_inbox.WantDispatch));
        }
    }

    /// <summary>The study's ask for its raw-pixel baseline: at the start, then at reconcile passes while the study
    /// runs, backed off (<see cref="BaselineAsks"/>), answered or not: an answered ask returns at once on a baseline
    /// grain that has it or is computing it, and restarts one that lost its computation with its silo, or whose
    /// baseline could not be had earlier. Failed asks stop after their attempts.</summary>
    private async Task AskForPixelBaselineAsync()
    {
        var now = DateTimeOffset.UtcNow;
        _baselineAsks ??= new BaselineAsks(options.Value.PixelBaseline, now);
        if (!_baselineAsks.IsDue(now))
        {
            return;
        }

        if (await Messenger.StartPixelBaselineAsync(Book.Plan.Dataset, Book.Plan.Probe) is { } failure)
        {
            _baselineAsks.Failed(now, failure);
            if (_baselineAsks.OutOfAttempts)
            {
                LogBaselineAsksRanOut(logger, StudyId, _baselineAsks.FailuresInARow, failure);
            }
        }
        else
        {
            _baselineAsks.Answered(now);
        }
    }

    /// <summary>Hands the ledger's live leases to the book, logs what was lost and requeued, and returns the
    /// running trials to re-poke with their current assignment.</summary>
    private IReadOnlyList<TrialAssignment> Reconcile(IReadOnlyList<SlotLease> live)
    {
        var found = Book.Reconcile(live);
        LogReconciled(found);
        return found.Pokes;
    }

    private async Task OnFinishedAsync()
    {
        LogFinished(logger, StudyId, Book.Table.All.Count);
        await EndAsync();
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
        await EndAsync();
        LogCancelled(logger, StudyId, reason, cancelled.Running.Count);
        _inbox.Cancelled();
        _ = Messenger.TellAsync(cancelled.Paused, static trial => trial.StopAsync());
    }

    private Task ListAsRunningAsync() => Registry.AddAsync(StudyId, definition.State.StartedAt ?? DateTimeOffset.UtcNow);

    /// <summary>The running study's state is stored, and its reconcile reminder set.</summary>
    private async Task PersistRunningAsync()
    {
        await WriteProgressAsync();
        await Wakeups.KeepReconcilingAsync();
    }

    /// <summary>The study ended: nothing wakes its pump any more, and the registry hears it.</summary>
    private async Task EndAsync()
    {
        await Wakeups.StopAsync();
        await Registry.MarkEndedAsync(StudyId, State.FinishedAt ?? DateTimeOffset.UtcNow);
    }

    /// <summary>One write at a time: a start request and the pump never interleave their writes.</summary>
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

    private SweepStatus Status() => Queries.Status(deciding: _pump is { IsCompleted: false });
}

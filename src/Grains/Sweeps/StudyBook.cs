using LensSweep.Grains.Devices;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Search;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// A study's bookkeeping, as a plain class over its persisted state: reports applied (idempotent per
/// trial, rung and attempt), free slots given their next decision (requeued trials first, in
/// <see cref="SweepProgressState.Requeued"/> order), leases bound and reconciled with the ledger's,
/// trial acknowledgements handled, finish and cancel. It decides; the sweep grain persists what it
/// decided and only then acts on it. Rebuilt from the same state it decides the same.
/// </summary>
public sealed class StudyBook
{
    private readonly SweepPlan plan;
    private readonly SweepProgressState state;
    private MetricName? metric;
    private IPersistentStudyScheduler scheduler;
    private ITrialProposer? proposer;
    private IReadOnlyDictionary<string, bool>? rangeScales;

    private StudyBook(SweepPlan plan, SweepProgressState state, SweepTableState table, ITrialProposer? proposer)
    {
        this.plan = plan;
        this.state = state;
        this.proposer = proposer;
        Table = new TrialTable(state, table);
        scheduler = StudySchedulers.Restore(plan.Scheduler, SweepProgressState.ToSchedulerSnapshot(plan.TrialCount, state.NextNewTrial, Table.All), plan.Repeats);
    }

    public TrialTable Table { get; }

    public SweepPlan Plan => plan;

    public SweepProgressState State => state;

    public IReadOnlyList<int> RungBudgets => scheduler.RungBudgets;

    /// <summary>Whether the scheduler may still have a run for a free slot (false once it answered Wait or
    /// Finished, until the next report); not persisted, so a rebuilt book asks again.</summary>
    public bool SchedulerHasWork { get; private set; } = true;

    /// <summary>More slots would be used: there is work and room under max_concurrent_trials.</summary>
    public bool WantsSlots => (SchedulerHasWork || state.Requeued.Count > 0) && state.Leases.Count < plan.MaxConcurrentTrials;

    public int SlotsWanted => Math.Max(0, plan.MaxConcurrentTrials - state.Leases.Count);

    public StudyStandings Standings => new(plan, Table.All, scheduler.RungBudgets, RangeScales);

    /// <summary>The plan's <see cref="SweepPlan.RangeScales"/>, computed once: every status call carries them, and a
    /// plan never changes under its book (a grown study gets a new book).</summary>
    public IReadOnlyDictionary<string, bool> RangeScales => rangeScales ??= plan.RangeScales();

    /// <summary>The book over a study's persisted state (empty for a study that never ran). A TPE plan's
    /// configurations come from <paramref name="proposer"/>, by default the plan's own
    /// (<see cref="AdaptiveSearch.Proposer"/>); tests pass one that records what it was asked.</summary>
    public static StudyBook Load(SweepPlan plan, SweepProgressState state, SweepTableState table, ITrialProposer? proposer = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(table);
        return new StudyBook(plan, state, table, proposer);
    }

    /// <summary>Every trial's configuration known so far, by trial: the plan's expanded list, or the proposed ones.</summary>
    public Dictionary<int, TrialConfig> Configurations() => plan.Adaptive is null
        ? plan.Trials.Select((config, trial) => (config, trial)).ToDictionary(t => t.trial, t => t.config)
        : Table.All.Where(t => t.Value.Config is not null).ToDictionary(t => t.Key, t => t.Value.Config!);

    /// <summary>The study starts: a fresh scheduler, and the phase is Running.</summary>
    public void Start()
    {
        scheduler = StudySchedulers.Create(plan.Scheduler, plan.TrialCount, plan.Repeats);
        state.Phase = SweepPhase.Running;
    }

    /// <summary>Whether the plan has trials that never started: only after the study grew, since a study
    /// finishes only once every trial has run its first rung.</summary>
    public bool HasUnstartedTrials => Table.All.Count < plan.TrialCount;

    /// <summary>The study grew: a finished one runs again, the trials it stopped at the end paused once more
    /// so the scheduler can promote them over the larger study; true when it had finished.</summary>
    public bool Reopen()
    {
        SchedulerHasWork = true;
        if (state.Phase != SweepPhase.Finished)
        {
            return false;
        }

        state.Phase = SweepPhase.Running;
        state.FinishedAt = null;
        foreach (var (trial, record) in Table.All.Where(t => t.Value.Status == TrialStatus.Stopped).ToList())
        {
            record.Status = TrialStatus.Paused;
            Table.Touch(trial, record);
        }

        return true;
    }

    /// <summary>Applies one report; null when it is not for the current attempt of a running rung (a
    /// repeat, or from an attempt the study has gone past).</summary>
    public RungResult? Apply(RungReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!Table.TryGet(report.Trial, out var record) || report.Attempt != record.Attempt || report.Rung != record.Rung || !record.Status.IsActive())
        {
            return null;
        }

        record.LeaseId = null;
        state.Requeued.Remove(report.Trial);
        record.EpochsDone = report.EpochsDone;
        record.Cost = report.Cost;
        double? score = null;
        if (report.Failed || report.Scores is null)
        {
            record.Status = TrialStatus.Failed;
            record.FailureReason = report.FailureReason ?? "the trial reported no probe scores";
            scheduler.Fail(report.Trial, report.Rung);
        }
        else
        {
            record.InitialScores ??= report.Initial;
            // Parsed on first use, so a study whose metric name no longer parses still shows its standings.
            metric ??= MetricNames.Parse(plan.Scheduler.Metric);
            score = MetricNames.Score(metric.Value, report.Scores, record.InitialScores).Value;
            Put(record.Scores, report.Rung, score.Value);
            Put(record.RungCosts, report.Rung, report.Cost);
            Put(record.RungScores, report.Rung, report.Scores);
            record.LastScores = report.Scores;
            record.Status = report.Rung >= scheduler.RungBudgets.Count - 1 ? TrialStatus.Completed : TrialStatus.Paused;
            scheduler.Report(report.Trial, report.Rung, score.Value);
        }

        Table.Touch(report.Trial, record);
        return new RungResult(report.Trial, report.Rung, report.EpochsDone, score, record.Status, record.FailureReason);
    }

    /// <summary>Gives every held slot without a trial its next decision: requeued trials first (a new
    /// attempt that resumes from the checkpoint), then whatever the scheduler says.</summary>
    public List<TrialAssignment> AssignFreeSlots()
    {
        var assignments = new List<TrialAssignment>();
        foreach (var lease in FreeLeases())
        {
            if (state.Requeued.Count > 0)
            {
                var trial = state.Requeued[0];
                state.Requeued.RemoveAt(0);
                assignments.Add(Bind(trial, Table.All[trial], lease, isPromotion: Table.All[trial].Rung > 0));
                continue;
            }

            if (scheduler.Next() is not SchedulerDecision.Run run)
            {
                SchedulerHasWork = false;
                break;
            }

            SchedulerHasWork = true;
            var record = Table.GetOrAdd(run.Trial);
            record.Status = TrialStatus.Running;
            record.Rung = run.Rung;
            if (!run.IsPromotion)
            {
                state.NextNewTrial = Math.Max(state.NextNewTrial, run.Trial + 1);
                record.Config ??= Propose(run.Trial);
            }

            assignments.Add(Bind(run.Trial, record, lease, run.IsPromotion));
        }

        return assignments;
    }

    /// <summary>Slots the ledger granted are held, and the free ones get decisions.</summary>
    public List<TrialAssignment> AddLeases(IReadOnlyList<SlotLease> granted)
    {
        ArgumentNullException.ThrowIfNull(granted);
        state.Leases.AddRange(granted);
        return granted.Count > 0 ? AssignFreeSlots() : [];
    }

    /// <summary>Compares the held leases with the ledger's <paramref name="live"/> ones: held leases the
    /// ledger no longer has are dropped and their running trials requeued (in trial order); leases the
    /// ledger has but the state does not (a crash between leasing and writing) are adopted.</summary>
    public Reconciliation Reconcile(IReadOnlyList<SlotLease> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var liveIds = live.Select(l => l.Id).ToHashSet();
        var held = state.Leases.Select(l => l.Id).ToHashSet();
        var lost = state.Leases.Where(l => !liveIds.Contains(l.Id)).ToList();
        state.Leases.RemoveAll(lost.Contains);
        state.Leases.AddRange(live.Where(l => !held.Contains(l.Id)));
        var slots = state.Leases.ToDictionary(l => l.Id);
        var pokes = new List<TrialAssignment>();
        var requeued = new List<int>();
        foreach (var (trial, record) in Table.All.Where(t => t.Value.Status.IsActive()).OrderBy(t => t.Key).ToList())
        {
            if (record.LeaseId is { } id && slots.TryGetValue(id, out var lease))
            {
                pokes.Add(AssignmentOf(trial, record, lease.Slot, isPromotion: record.Rung > 0));
            }
            else if (!state.Requeued.Contains(trial))
            {
                record.LeaseId = null;
                Table.Touch(trial, record);
                state.Requeued.Add(trial);
                requeued.Add(trial);
            }
        }

        return new Reconciliation(lost, requeued, pokes);
    }

    /// <summary>What a trial's answer to its assignment means: Done carries its report; Stale (the trial
    /// has seen a newer attempt) puts the trial at the front of the requeue list with an attempt past the
    /// trial's; Rejected becomes a failure report for that attempt; Accepted needs nothing.</summary>
    public AckOutcome Acknowledge(TrialAssignment assignment, TrialAck ack)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(ack);
        switch (ack.Kind)
        {
            case TrialAckKind.Done when ack.Report is not null:
                return new AckOutcome(ack.Report, Requeued: false);
            case TrialAckKind.Stale when Table.TryGet(assignment.Trial, out var record) && record.Attempt == assignment.Attempt && record.Status.IsActive():
                record.Attempt = Math.Max(record.Attempt, ack.Attempt);
                record.LeaseId = null;
                Table.Touch(assignment.Trial, record);
                state.Requeued.Insert(0, assignment.Trial);
                return new AckOutcome(null, Requeued: true);
            case TrialAckKind.Rejected:
                return new AckOutcome(
                    new RungReport(plan.StudyId, assignment.Trial, assignment.Attempt, assignment.Rung, 0, null, TrialCost.Zero, ack.Reason ?? "the trial refused its assignment"),
                    Requeued: false);
            default:
                return new AckOutcome(null, Requeued: false);
        }
    }

    /// <summary>Reads the answers to a batch's assignments, in order (see <see cref="Acknowledge(TrialAssignment, TrialAck)"/>):
    /// the reports they carried, to apply next batch, and whether a trial was requeued (dispatch again). A call
    /// that failed (no answer) needs nothing: its decision is stored and the reconcile pass repeats it.</summary>
    public DispatchOutcome Acknowledge(IEnumerable<(TrialAssignment Assignment, TrialAck? Ack)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var reports = new List<RungReport>();
        var requeued = false;
        foreach (var (assignment, ack) in answers)
        {
            if (ack is null)
            {
                continue;
            }

            var outcome = Acknowledge(assignment, ack);
            if (outcome.Report is { } report)
            {
                reports.Add(report);
            }

            requeued |= outcome.Requeued;
        }

        return new DispatchOutcome(reports, requeued);
    }

    /// <summary>Ends a batch: free slots are let go, and when nothing can run any more the study is
    /// finished (paused trials stopped) and every slot goes back.</summary>
    public BatchEnd EndBatch(DateTimeOffset now)
    {
        var release = FreeLeases();
        state.Leases.RemoveAll(release.Contains);
        if (!scheduler.IsFinished || state.Requeued.Count > 0 || Table.All.Values.Any(r => r.Status.IsActive()))
        {
            return new BatchEnd(release, Finished: false);
        }

        state.Phase = SweepPhase.Finished;
        state.FinishedAt = now;
        foreach (var (trial, record) in Table.All.Where(t => t.Value.Status == TrialStatus.Paused).ToList())
        {
            record.Status = TrialStatus.Stopped;
            Table.Touch(trial, record);
        }

        release.AddRange(state.Leases);
        state.Leases.Clear();
        return new BatchEnd(release, Finished: true);
    }

    /// <summary>Cancels the study: running trials are cancelled with the reason, paused ones stopped,
    /// every lease and requeued trial dropped.</summary>
    public Cancellation Cancel(string reason, DateTimeOffset now)
    {
        var running = Table.All.Where(t => t.Value.Status.IsActive()).Select(t => t.Key).Order().ToList();
        var paused = Table.All.Where(t => t.Value.Status == TrialStatus.Paused).Select(t => t.Key).Order().ToList();
        foreach (var trial in running)
        {
            var record = Table.All[trial];
            record.Status = TrialStatus.Cancelled;
            record.FailureReason = reason;
            record.LeaseId = null;
            Table.Touch(trial, record);
        }

        foreach (var trial in paused)
        {
            Table.All[trial].Status = TrialStatus.Stopped;
            Table.Touch(trial, Table.All[trial]);
        }

        state.Requeued.Clear();
        state.Leases.Clear();
        state.Phase = SweepPhase.Cancelled;
        state.CancelReason = reason;
        state.FinishedAt = now;
        return new Cancellation(running, paused);
    }

    /// <summary>Trials the finished study stopped early (told so once it ended).</summary>
    public IReadOnlyList<int> StoppedTrials() => Table.All.Where(t => t.Value.Status == TrialStatus.Stopped).Select(t => t.Key).ToList();

    private TrialAssignment Bind(int trial, TrialRecord record, SlotLease lease, bool isPromotion)
    {
        record.Attempt++;
        record.LeaseId = lease.Id;
        Table.Touch(trial, record);
        return AssignmentOf(trial, record, lease.Slot, isPromotion);
    }

    private TrialAssignment AssignmentOf(int trial, TrialRecord record, DeviceSlot slot, bool isPromotion)
    {
        var setup = new TrialSetup(plan.ConfigOf(trial, record), plan.Dataset, plan.Probe, plan.Scheduler.MaxEpochs, TrialSetup.SeedFor(plan.Seed, trial));
        return new TrialAssignment(plan.StudyId, trial, record.Attempt, record.Rung, scheduler.RungBudgets[record.Rung], isPromotion, slot, setup);
    }

    /// <summary>A new trial's configuration when the plan proposes them (TPE), null when the plan lists them:
    /// a repeat takes its configuration's, already proposed for the configuration's first trial to start;
    /// otherwise the proposer is asked from every configuration's results so far. Recorded before the trial
    /// is sent, so a rebuilt book never proposes a trial twice.</summary>
    private TrialConfig? Propose(int trial)
    {
        if (plan.Adaptive is not { } adaptive)
        {
            return null;
        }

        var configuration = plan.ConfigurationOf(trial);
        if (Table.All.FirstOrDefault(t => t.Value.Config is not null && plan.ConfigurationOf(t.Key) == configuration).Value is { } sibling)
        {
            return sibling.Config;
        }

        proposer ??= adaptive.Proposer(plan.Scheduler.Mode, plan.Seed);
        return proposer.Propose(configuration, ConfigurationResults());
    }

    /// <summary>Each proposed configuration with its score at every rung, the mean over the repeats that reported it.</summary>
    private List<TrialResult> ConfigurationResults() =>
        [.. Table.All.Where(t => t.Value.Config is not null)
            .GroupBy(t => plan.ConfigurationOf(t.Key))
            .Select(arm => new TrialResult(
                arm.Key,
                arm.First().Value.Config!,
                [.. Enumerable.Range(0, arm.Max(t => t.Value.Scores.Count))
                    .Select(rung => arm.Where(t => t.Value.Scores.Count > rung).Average(t => t.Value.Scores[rung]))]))];

    private List<SlotLease> FreeLeases()
    {
        var bound = Table.All.Values.Where(r => r.LeaseId is not null && r.Status.IsActive()).Select(r => r.LeaseId!.Value).ToHashSet();
        return state.Leases.Where(l => !bound.Contains(l.Id)).ToList();
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
}

/// <summary>What a reconcile pass found: leases the ledger no longer has, trials requeued because of it,
/// and the running trials to re-send their current assignment.</summary>
public sealed record Reconciliation(IReadOnlyList<SlotLease> Lost, IReadOnlyList<int> Requeued, IReadOnlyList<TrialAssignment> Pokes);

/// <summary>A trial's acknowledgement, read: a report to apply next batch, or the trial requeued (dispatch again).</summary>
public sealed record AckOutcome(RungReport? Report, bool Requeued);

/// <summary>A batch's answers, read: the reports to apply next batch, and whether any trial was requeued.</summary>
public sealed record DispatchOutcome(IReadOnlyList<RungReport> Reports, bool Requeued);

/// <summary>The slots to hand back after a batch is written, and whether the study just finished.</summary>
public sealed record BatchEnd(List<SlotLease> Release, bool Finished);

/// <summary>A cancelled study's trials: those that were running (told to cancel) and those paused (told to stop).</summary>
public sealed record Cancellation(IReadOnlyList<int> Running, IReadOnlyList<int> Paused);

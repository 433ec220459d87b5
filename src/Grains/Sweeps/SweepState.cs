using LensSweep.Grains.Devices;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Sweeps;

/// <summary>Written once, when the study starts.</summary>
[GenerateSerializer, Alias("lenssweep.SweepDefinitionState")]
public sealed class SweepDefinitionState
{
    [Id(0)] public SweepPlan? Plan { get; set; }

    [Id(1)] public DateTimeOffset? StartedAt { get; set; }
}

/// <summary>Everything the study has decided, written before any decision is acted on. The rung table
/// is kept as a journal: <see cref="Recent"/> holds the trial records changed since
/// <see cref="SweepTableState"/> was last written, so a batch writes what it changed rather than all
/// 10,000 records. The scheduler's own snapshot is derived from the records
/// (<see cref="ToSchedulerSnapshot"/>), not stored twice.</summary>
[GenerateSerializer, Alias("lenssweep.SweepProgressState")]
public sealed class SweepProgressState
{
    [Id(0)] public SweepPhase Phase { get; set; } = SweepPhase.NotStarted;

    /// <summary>Started trials whose records changed since the table was written, by number.</summary>
    [Id(1)] public Dictionary<int, TrialRecord> Recent { get; set; } = [];

    /// <summary>The lowest trial number never started.</summary>
    [Id(2)] public int NextNewTrial { get; set; }

    /// <summary>Slots leased from the device ledger; a trial record's <see cref="TrialRecord.LeaseId"/> binds it to one.</summary>
    [Id(3)] public List<SlotLease> Leases { get; set; } = [];

    /// <summary>Running trials that lost their slot (their silo died), in the order they go back on a slot.</summary>
    [Id(4)] public List<int> Requeued { get; set; } = [];

    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(6)] public string? CancelReason { get; set; }

    /// <summary>Writes so far; a record is stamped with the write that carries its change.</summary>
    [Id(7)] public long Sequence { get; set; }

    public static SchedulerSnapshot ToSchedulerSnapshot(int trialCount, int nextNewTrial, IReadOnlyDictionary<int, TrialRecord> trials) => new(
        trialCount,
        nextNewTrial,
        trials.OrderBy(t => t.Key)
            .Select(t => new TrialSnapshot(
                t.Key,
                t.Value.Rung,
                t.Value.Status.IsActive(),
                t.Value.Status is TrialStatus.Failed or TrialStatus.Cancelled,
                t.Value.Scores.ToArray()))
            .ToList());
}

/// <summary>Every started trial's record as of the last compaction of <see cref="SweepProgressState.Recent"/>.</summary>
[GenerateSerializer, Alias("lenssweep.SweepTableState")]
public sealed class SweepTableState
{
    [Id(0)] public Dictionary<int, TrialRecord> Trials { get; set; } = [];
}

/// <summary>The sweep's view of one started trial.</summary>
[GenerateSerializer, Alias("lenssweep.TrialRecord")]
public sealed class TrialRecord
{
    [Id(0)] public TrialStatus Status { get; set; } = TrialStatus.Running;

    /// <summary>The highest rung it was told to run.</summary>
    [Id(1)] public int Rung { get; set; }

    [Id(2)] public int EpochsDone { get; set; }

    /// <summary>The attempt the sweep last sent; reports from other attempts are ignored.</summary>
    [Id(3)] public int Attempt { get; set; }

    /// <summary>Its metric at rungs 0, 1, … in order.</summary>
    [Id(4)] public List<double> Scores { get; set; } = [];

    [Id(5)] public ProbeScores? LastScores { get; set; }

    [Id(6)] public TrialCost Cost { get; set; } = TrialCost.Zero;

    [Id(7)] public string? FailureReason { get; set; }

    /// <summary>The lease of the slot it trains on; null when it is not training.</summary>
    [Id(8)] public long? LeaseId { get; set; }

    /// <summary>The <see cref="SweepProgressState.Sequence"/> of the write that carries its latest change:
    /// when the journal and the table both hold a record, the newer one wins.</summary>
    [Id(9)] public long Changed { get; set; }

    /// <summary>The trial's cumulative cost when it reported each rung (parallel to <see cref="Scores"/>).</summary>
    [Id(10)] public List<TrialCost> RungCosts { get; set; } = [];

    /// <summary>Every evaluation at each rung it reported (parallel to <see cref="Scores"/>): its history.</summary>
    [Id(11)] public List<ProbeScores> RungScores { get; set; } = [];

    /// <summary>Its encoder's scores at epoch 0, before training: the random-init baseline.</summary>
    [Id(12)] public ProbeScores? InitialScores { get; set; }

    /// <summary>Its hyperparameters when the sweep proposed them as it started (TPE); null when the plan's
    /// expanded trial list holds them (see <see cref="SweepPlan.ConfigOf"/>).</summary>
    [Id(13)] public TrialConfig? Config { get; set; }
}

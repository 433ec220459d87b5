using LensSweep.Grains.Devices;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Sweeps;

[GenerateSerializer, Alias("lenssweep.SweepPhase")]
public enum SweepPhase
{
    NotStarted,
    Running,
    Finished,
    Cancelled,
}

/// <summary>How many trials are in each state. Waiting: never started (still to be scheduled).</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.TrialCounts")]
public sealed record TrialCounts(
    [property: Id(0)] int Waiting,
    [property: Id(1)] int Running,
    [property: Id(2)] int Paused,
    [property: Id(3)] int Stopped,
    [property: Id(4)] int Completed,
    [property: Id(5)] int Failed,
    [property: Id(6)] int Cancelled);

/// <summary>A slot the study holds, and the trial on it (null while it is between trials).</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.SlotUse")]
public sealed record SlotUse([property: Id(0)] DeviceSlot Slot, [property: Id(1)] int? Trial)
{
    /// <summary>The trial's score at the last rung it reported; null before its first rung ends.</summary>
    [Id(2)]
    public double? LastScore { get; init; }
}

/// <summary>A study at a glance.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.SweepStatus")]
public sealed record SweepStatus(
    [property: Id(0)] string StudyId,
    [property: Id(1)] SweepPhase Phase,
    [property: Id(2)] int TrialCount,
    [property: Id(3)] TrialCounts Counts,
    [property: Id(4)] IReadOnlyList<SlotUse> Slots,
    [property: Id(5)] LeaderboardEntry? Best,
    [property: Id(6)] string Metric,
    [property: Id(7)] DateTimeOffset? StartedAt,
    [property: Id(8)] DateTimeOffset? FinishedAt,
    [property: Id(9)] string? CancelReason)
{
    /// <summary>Whether a higher or a lower <see cref="Metric"/> is better.</summary>
    [Id(10)]
    public MetricMode Mode { get; init; } = MetricMode.Max;
    /// <summary>The coordinator is applying reports or re-checking slots right now: what <see cref="Slots"/> shows
    /// may not be stored yet. A draining silo waits for this to clear before it lets the study stop with it.</summary>
    [Id(11)]
    public bool Deciding { get; init; }

    /// <summary>Trials per configuration (see <see cref="SweepPlan.Repeats"/>).</summary>
    [Id(12)]
    public int Repeats { get; init; } = 1;

    /// <summary>The plan's <c>max_concurrent_trials</c> (0 from a silo that predates this field: no cap known).</summary>
    [Id(13)]
    public int MaxConcurrentTrials { get; init; }

    /// <summary>The plan's probe and evaluation settings (null from a silo that predates this field).</summary>
    [Id(14)]
    public ProbeSettings? Probe { get; init; }

    /// <summary>For each hyperparameter the spec searched over a range, whether on a log scale (<see cref="SweepPlan.RangeScales"/>).</summary>
    [Id(15)]
    public IReadOnlyDictionary<string, bool> RangeScales { get; init; } = new Dictionary<string, bool>();
}

/// <summary>One trial on the leaderboard: its score at the highest rung it reported.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.LeaderboardEntry")]
public sealed record LeaderboardEntry(
    [property: Id(0)] int Trial,
    [property: Id(1)] TrialConfig Config,
    [property: Id(2)] TrialStatus Status,
    [property: Id(3)] int Rung,
    [property: Id(4)] int EpochsDone,
    [property: Id(5)] double Score,
    [property: Id(6)] ProbeScores? Scores,
    [property: Id(7)] TrialCost Cost)
{
    /// <summary>Every rung the trial reported, in order: its ASHA trajectory.</summary>
    [Id(8)]
    public IReadOnlyList<RungPoint> Rungs { get; init; } = [];

    /// <summary>Why the trial failed (exception type and message), null unless <see cref="Status"/> is failed.</summary>
    [Id(9)]
    public string? FailureReason { get; init; }

    /// <summary>The rung the trial failed in, null unless it failed.</summary>
    [Id(10)]
    public int? FailedRung { get; init; }

    /// <summary>Its encoder's scores at epoch 0 (untrained): the random-init baseline.</summary>
    [Id(11)]
    public ProbeScores? InitialScores { get; init; }
}

/// <summary>One rung of a trial's trajectory: the epochs trained by then, the score, and the cumulative
/// cost (null for studies recorded before costs were kept per rung).</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.RungPoint")]
public sealed record RungPoint([property: Id(0)] int Epochs, [property: Id(1)] double Score, [property: Id(2)] TrialCost? Cost)
{
    /// <summary>Every evaluation at this rung (null for studies recorded before they were kept).</summary>
    [Id(3)]
    public ProbeScores? Scores { get; init; }
}

/// <summary>A rung a trial finished (or failed), as watchers see it.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.RungResult")]
public sealed record RungResult(
    [property: Id(0)] int Trial,
    [property: Id(1)] int Rung,
    [property: Id(2)] int EpochsDone,
    [property: Id(3)] double? Score,
    [property: Id(4)] TrialStatus Status,
    [property: Id(5)] string? FailureReason);



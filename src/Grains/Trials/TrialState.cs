using LensSweep.Grains.Devices;

namespace LensSweep.Grains.Trials;

/// <summary>A trial grain's persisted state. The checkpoint itself lives in the artifact store; the state
/// holds only its key, written after the checkpoint is stored.</summary>
[GenerateSerializer, Alias("lenssweep.TrialState")]
public sealed class TrialState
{
    [Id(0)] public TrialStatus Status { get; set; } = TrialStatus.Pending;

    /// <summary>The rung it runs or last finished.</summary>
    [Id(1)] public int Rung { get; set; }

    [Id(2)] public int EpochsDone { get; set; }

    /// <summary>The newest attempt it has accepted; older attempts are fenced off.</summary>
    [Id(3)] public int Attempt { get; set; }

    /// <summary>Artifact key of the checkpoint holding <see cref="EpochsDone"/> epochs; null before the first.</summary>
    [Id(4)] public string? CheckpointKey { get; set; }

    /// <summary>The assignment being trained (kept so a migrated or re-activated trial can carry on).</summary>
    [Id(5)] public TrialAssignment? Assignment { get; set; }

    /// <summary>The report of the newest finished (or failed) rung, re-sent when the sweep asks again.</summary>
    [Id(6)] public RungReport? LastReport { get; set; }

    [Id(7)] public TrialCost Cost { get; set; } = TrialCost.Zero;

    [Id(8)] public List<double> LossCurve { get; set; } = [];

    [Id(9)] public string? FailureReason { get; set; }

    /// <summary>The slot of the newest assignment, for status displays.</summary>
    [Id(10)] public DeviceSlot? Slot { get; set; }

    /// <summary>Its encoder's scores at epoch 0, before any training: the random-init baseline, computed
    /// once (a resumed or moved trial never recomputes it) and sent with every report.</summary>
    [Id(11)] public ProbeScores? InitialScores { get; set; }

    /// <summary>Steps of epoch <see cref="EpochsDone"/> the checkpoint also holds: 0 at an epoch boundary, more when a
    /// draining silo stopped the trial inside an epoch (it resumes at that step).</summary>
    [Id(12)] public int StepInEpoch { get; set; }
}

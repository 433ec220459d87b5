using LensSweep.Grains.Devices;
using LensSweep.Grains.Specs;
using LensSweep.Models.Data;
using Orleans.Runtime;

namespace LensSweep.Grains.Trials;

/// <summary>
/// One trial of a study (key <c>{studyId}/{trial}</c>, see <see cref="TrialKeys"/>). Its study's sweep
/// grain drives it; every call returns at once and training runs on the silo's device worker. After each
/// rung it stores its checkpoint, then its state, then reports to the sweep grain.
/// </summary>
[Alias("lenssweep.ITrialGrain")]
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>
    /// Train to <see cref="TrialAssignment.ToEpoch"/> on the assignment's slot, resuming from the trial's
    /// last checkpoint. Idempotent per attempt: repeating the current attempt changes nothing (or returns
    /// the rung's report when it is done); an older attempt is refused as stale.
    /// </summary>
    [Alias("Run")]
    Task<TrialAck> RunAsync(TrialAssignment assignment);

    /// <summary>The study was cancelled: stop training (the slot's worker is told at once) and stay cancelled.</summary>
    [Alias("Cancel")]
    Task CancelAsync(string reason);

    /// <summary>The study finished while this trial was paused: it will never be promoted.</summary>
    [Alias("Stop")]
    Task StopAsync();

    [Alias("GetInfo")]
    Task<TrialInfo> GetInfoAsync();

    /// <summary>
    /// Up to <paramref name="count"/> bytes (at most <see cref="Storage.ArtifactChunk.MaxBytes"/>) of this trial's
    /// checkpoint <paramref name="checkpointKey"/> (its <see cref="TrialInfo.CheckpointKey"/>) from
    /// <paramref name="offset"/>, read from the silo's artifact store: how a console with no storage credentials
    /// fetches a checkpoint, chunk by chunk. Null when the key is gone (the trial stored a newer one and deleted it).
    /// </summary>
    /// <exception cref="ArgumentException">The key is not one of this trial's checkpoints, or the range is invalid.</exception>
    /// <remarks>Interleaves with the trial's other calls: it reads only the store (and the trial's id, fixed at activation),
    /// so an export's many chunk reads never queue the study's assignments and reports behind storage I/O.</remarks>
    [Alias("ReadCheckpoint"), Orleans.Concurrency.AlwaysInterleave]
    Task<Storage.ArtifactChunk?> ReadCheckpointAsync(string checkpointKey, long offset, int count);
}

/// <summary>What every attempt of a trial shares: its configuration and the study settings it trains under.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.TrialSetup")]
public sealed record TrialSetup(
    [property: Id(0)] TrialConfig Config,
    [property: Id(1)] DatasetOptions Dataset,
    [property: Id(2)] ProbeSettings Probe,
    [property: Id(3)] int MaxEpochs,
    [property: Id(4)] int Seed)
{
    /// <summary>A trial's seed: distinct per trial, reproducible for a study seed.</summary>
    public static int SeedFor(int studySeed, int trial) => unchecked((studySeed * 1_000_003) + trial);
}

/// <summary>The sweep's instruction to a trial: train rung <see cref="Rung"/> up to <see cref="ToEpoch"/> on <see cref="Slot"/>.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.TrialAssignment")]
public sealed record TrialAssignment(
    [property: Id(0)] string StudyId,
    [property: Id(1)] int Trial,
    [property: Id(2)] int Attempt,
    [property: Id(3)] int Rung,
    [property: Id(4)] int ToEpoch,
    [property: Id(5)] bool IsPromotion,
    [property: Id(6)] DeviceSlot Slot,
    [property: Id(7)] TrialSetup Setup);

/// <summary>A trial's answer to <see cref="ITrialGrain.RunAsync"/>.</summary>
[GenerateSerializer, Alias("lenssweep.TrialAckKind")]
public enum TrialAckKind
{
    /// <summary>Training (or about to): the report will follow.</summary>
    Accepted,

    /// <summary>This attempt already finished the rung: <see cref="TrialAck.Report"/> is its report.</summary>
    Done,

    /// <summary>The trial already runs a newer attempt; <see cref="TrialAck.Attempt"/> says which.</summary>
    Stale,

    /// <summary>The trial cannot run it (cancelled, or its slot is not on this silo); <see cref="TrialAck.Reason"/> says why.</summary>
    Rejected,
}

[GenerateSerializer, Immutable, Alias("lenssweep.TrialAck")]
public sealed record TrialAck(
    [property: Id(0)] TrialAckKind Kind,
    [property: Id(1)] int Attempt,
    [property: Id(2)] RungReport? Report = null,
    [property: Id(3)] string? Reason = null);

/// <summary>A trial's result for one rung, sent to its sweep grain (idempotent per trial, rung and attempt).</summary>
/// <param name="EpochsDone">Epochs the trial has trained in all.</param>
/// <param name="Scores">The probe's scores at the end of the rung; null when it failed.</param>
/// <param name="Cost">What the trial has cost in all, every rung and attempt included.</param>
/// <param name="FailureReason">Why training failed; null on success.</param>
[GenerateSerializer, Immutable, Alias("lenssweep.RungReport")]
public sealed record RungReport(
    [property: Id(0)] string StudyId,
    [property: Id(1)] int Trial,
    [property: Id(2)] int Attempt,
    [property: Id(3)] int Rung,
    [property: Id(4)] int EpochsDone,
    [property: Id(5)] ProbeScores? Scores,
    [property: Id(6)] TrialCost Cost,
    [property: Id(7)] string? FailureReason = null)
{
    public bool Failed => FailureReason is not null;

    /// <summary>The trial's encoder scored before any training (epoch 0, its own initial weights): the
    /// random-init baseline its gains are measured against. Computed once and sent with every report.</summary>
    [Id(8)]
    public ProbeScores? Initial { get; init; }
}

/// <summary>A trial as its grain sees it.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.TrialInfo")]
public sealed record TrialInfo(
    [property: Id(0)] string StudyId,
    [property: Id(1)] int Trial,
    [property: Id(2)] TrialStatus Status,
    [property: Id(3)] int Rung,
    [property: Id(4)] int EpochsDone,
    [property: Id(5)] int Attempt,
    [property: Id(6)] string? CheckpointKey,
    [property: Id(7)] DeviceSlot? Slot,
    [property: Id(8)] TrialProgress? Progress,
    [property: Id(9)] TrialCost Cost,
    [property: Id(10)] IReadOnlyList<double> LossCurve,
    [property: Id(11)] string? FailureReason,
    [property: Id(12)] SiloAddress Silo)
{
    /// <summary>The epoch the current rung trains to (0 when the trial has no assignment).</summary>
    [Id(13)]
    public int RungEndEpoch { get; init; }

    /// <summary>Steps of epoch <see cref="EpochsDone"/> already in the checkpoint (a trial handed over mid-epoch).</summary>
    [Id(14)]
    public int StepInEpoch { get; init; }
}

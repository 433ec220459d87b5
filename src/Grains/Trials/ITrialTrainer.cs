using LensSweep.Grains.Specs;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Trials;

/// <summary>
/// Trains one trial from one epoch to another on one device slot, then (when asked) scores it with the
/// linear probe. Called on the slot's own worker thread, never on the Orleans scheduler; one call at a
/// time per slot. The engine knows nothing else about training: the TorchSharp MAE trainer, and the
/// scripted, instant and sleeping trainers of tests and benchmarks, all implement this.
/// </summary>
public interface ITrialTrainer
{
    /// <summary>
    /// Trains epochs [<see cref="TrialWork.FromEpoch"/>, <see cref="TrialWork.ToEpoch"/>) — none when the two
    /// are equal: then it only scores the weights as they stand (fresh ones at epoch 0, the random-init
    /// baseline) and need not store a checkpoint — starting from
    /// the checkpoint at <see cref="TrialWork.ResumeFromKey"/> (fresh weights when null), and stores the
    /// result in the artifact store under <see cref="TrialWork.CheckpointKey"/> before returning. Honours
    /// <paramref name="cancellationToken"/> between steps: a cancelled trial gives its slot back promptly.
    /// </summary>
    Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="TrainRungAsync(TrialWork, IProgress{TrialProgress}, CancellationToken)"/>, and when
    /// <paramref name="stop"/> fires (the silo is draining) it stops at the next step boundary instead: it stores
    /// a checkpoint that resumes exactly there under <see cref="TrialWork.StopCheckpointKey"/> and returns an
    /// outcome whose <see cref="RungOutcome.StoppedAt"/> says where. Work given a <see cref="TrialWork.FromStep"/>
    /// resumes inside epoch <see cref="TrialWork.FromEpoch"/>. A trainer that cannot stop early keeps this
    /// default: it trains the call to its end, which still hands over, only later.
    /// </summary>
    Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken stop, CancellationToken cancellationToken) =>
        TrainRungAsync(work, progress, cancellationToken);
}

/// <summary>One call to <see cref="ITrialTrainer.TrainRungAsync"/>.</summary>
/// <param name="StudyId">The study (its spec's name).</param>
/// <param name="Trial">The trial number, 0..N-1 in search-space order.</param>
/// <param name="Attempt">Which attempt of the trial this is; a newer attempt supersedes this one.</param>
/// <param name="Config">The trial's hyperparameters.</param>
/// <param name="Dataset">What to pretrain and probe on.</param>
/// <param name="Probe">How to score the frozen encoder.</param>
/// <param name="MaxEpochs">The study's R: the length of the trial's learning-rate schedule.</param>
/// <param name="Seed">The trial's seed (study seed and trial number combined, see <see cref="TrialSetup.SeedFor"/>).</param>
/// <param name="FromEpoch">Epochs already trained (and held by <paramref name="ResumeFromKey"/>).</param>
/// <param name="ToEpoch">Train until this many epochs are done.</param>
/// <param name="ResumeFromKey">Artifact key of the checkpoint to resume from; null to start from fresh weights.</param>
/// <param name="CheckpointKey">Artifact key to store the checkpoint under.</param>
/// <param name="ProbeAtEnd">Score the encoder after training (the end of a rung); otherwise <see cref="RungOutcome.Scores"/> may be null.</param>
/// <param name="Device">The slot's device, e.g. <c>cuda:1</c> or <c>cpu:0</c>.</param>
public sealed record TrialWork(
    string StudyId,
    int Trial,
    int Attempt,
    TrialConfig Config,
    DatasetOptions Dataset,
    ProbeSettings Probe,
    int MaxEpochs,
    int Seed,
    int FromEpoch,
    int ToEpoch,
    string? ResumeFromKey,
    string CheckpointKey,
    bool ProbeAtEnd,
    string Device)
{
    /// <summary>Steps of epoch <see cref="FromEpoch"/> the resumed checkpoint already holds (0: an epoch boundary).</summary>
    public int FromStep { get; init; }

    /// <summary>Where to store the checkpoint when the call stops early (see <see cref="ITrialTrainer"/>); a key of its
    /// own, so an early stop never overwrites the checkpoint of a finished epoch.</summary>
    public string StopCheckpointKey { get; init; } = TrialKeys.StopCheckpoint(StudyId, Trial, Attempt);
}

/// <summary>Progress inside a call: the epoch being trained and the latest training loss.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.TrialProgress")]
public sealed record TrialProgress([property: Id(0)] int Epoch, [property: Id(1)] double Loss)
{
    /// <summary>Steps of <see cref="Epoch"/> done (0 from a trainer that reports epochs only).</summary>
    [Id(2)]
    public int StepsDone { get; init; }

    /// <summary>Steps an epoch has; 0 when unknown.</summary>
    [Id(3)]
    public int StepsPerEpoch { get; init; }

    /// <summary>Training throughput of the latest step; 0 when unknown.</summary>
    [Id(4)]
    public double ImagesPerSecond { get; init; }

    /// <summary>Steps per second at that throughput; 0 when unknown. With the steps left it gives an ETA.</summary>
    [Id(5)]
    public double StepsPerSecond { get; init; }
}

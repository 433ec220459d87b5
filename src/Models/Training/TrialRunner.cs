using System.Diagnostics;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using Microsoft.Extensions.Logging;

namespace LensSweep.Models.Training;

/// <summary>Everything that defines one trial.</summary>
/// <param name="Device">"cpu", "cpu:N", "cuda" or "cuda:N": the device slot the trial holds.</param>
/// <param name="Threads">Intra-op CPU threads for libtorch (process-wide); 0 leaves the current setting.</param>
public sealed record TrialSettings(
    MaeConfig Model,
    OptimizerConfig Optimizer,
    ProbeConfig Probe,
    int Seed,
    string Device = "cpu",
    int Threads = 0)
{
    /// <summary>Every evaluation to run at a rung's end (and at epoch 0); null = the linear probe only.</summary>
    public EvaluationSettings? Evaluation { get; init; }
}

/// <summary>What one rung of one trial produced.</summary>
/// <param name="Validation">Probe fitted on the train split, scored on the validation split (what ASHA ranks by).</param>
/// <param name="Test">The same fitted probe scored on the test split (reported, never used for decisions).</param>
/// <param name="Losses">Mean pretraining loss of each epoch trained in this rung.</param>
/// <param name="Cost">This rung's wall-clock seconds (training and probing) and training FLOPs.</param>
public sealed record TrainedRung(ProbeScore Validation, ProbeScore Test, IReadOnlyList<EpochLoss> Losses, TrainingCost Cost)
{
    /// <summary>Every evaluation with its interval, when <see cref="TrialSettings.Evaluation"/> asked for them.</summary>
    public EvaluationResult? Evaluation { get; init; }
}

/// <summary>What one <see cref="TrialRunner.RunStoppable"/> call did.</summary>
/// <param name="Losses">Mean pretraining loss of each epoch it finished.</param>
/// <param name="Cost">Its wall-clock seconds (training, and probing when it probed) and training FLOPs.</param>
/// <param name="StoppedAt">Where it stopped when asked to stop before the end (the checkpoint resumes there); null when it reached the end.</param>
/// <param name="Validation">The probe's validation score; null when it stopped early or was not asked to probe.</param>
/// <param name="Test">The probe's test score, null when <paramref name="Validation"/> is.</param>
public sealed record RungSegment(IReadOnlyList<EpochLoss> Losses, TrainingCost Cost, TrainingPosition? StoppedAt, ProbeScore? Validation, ProbeScore? Test)
{
    /// <inheritdoc cref="TrainedRung.Evaluation"/>
    public EvaluationResult? Evaluation { get; init; }
}

/// <summary>
/// One rung of one trial for the study engine: pretrain fromEpoch → toEpoch (resuming from a checkpoint),
/// write the checkpoint, then probe the frozen encoder. Pure compute: no Orleans, no storage.
/// </summary>
public static class TrialRunner
{
    /// <param name="checkpointIn">The checkpoint the previous rung wrote; null only when <paramref name="fromEpoch"/> is 0.</param>
    /// <param name="checkpointOut">Receives the checkpoint at <paramref name="toEpoch"/> (before probing).</param>
    /// <param name="pretrainingImages">What the MAE pretrains on: null = <paramref name="data"/>'s train split, or the
    /// train split joined with an unlabelled pool (see <see cref="PretrainingPool"/>). The probe always fits on the
    /// train split only.</param>
    /// <exception cref="ArgumentException">Invalid settings, data or epoch range (every config problem listed).</exception>
    /// <exception cref="InvalidDataException">The checkpoint is unreadable, for another trial, or at another epoch.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite (says at which epoch and step).</exception>
    /// <exception cref="OperationCanceledException">Cancelled (checked before every step and before probing).</exception>
    public static TrainedRung Run(
        TrialSettings settings,
        DataSplit data,
        int fromEpoch,
        int toEpoch,
        Stream? checkpointIn,
        Stream checkpointOut,
        IProgress<TrainProgress>? progress,
        CancellationToken cancellationToken,
        ILogger? logger = null,
        LensDataset? pretrainingImages = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        pretrainingImages ??= data.Train;
        var started = Stopwatch.GetTimestamp();
        return Train(settings, pretrainingImages, fromEpoch, toEpoch, checkpointIn, checkpointOut, progress, cancellationToken, logger, (model, run) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (validation, test, evaluation) = Score(model, data, settings);
            var cost = new TrainingCost(Stopwatch.GetElapsedTime(started).TotalSeconds, run.Images * MaeCost.TrainingFlopsPerImage(settings.Model));
            return new TrainedRung(validation, test, run.Losses, cost) { Evaluation = evaluation };
        });
    }

    /// <summary>
    /// Scores the trial's encoder as initialised, before any training: its random-init baseline. The
    /// weights are the ones epoch 0 of <see cref="Run"/> starts from (same model seed), so a gain over this
    /// score is what pretraining added to this very network.
    /// </summary>
    public static TrainedRung ScoreInitialWeights(TrialSettings settings, DataSplit data, CancellationToken cancellationToken, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        ValidateSettings(settings);
        var started = Stopwatch.GetTimestamp();
        if (settings.Threads > 0) TorchSharp.torch.set_num_threads(settings.Threads);
        using var trainer = new MaeTrainer(settings.Model, settings.Optimizer, settings.Seed, settings.Device, logger);
        cancellationToken.ThrowIfCancellationRequested();
        var (validation, test, evaluation) = Score(trainer.Model, data, settings);
        return new TrainedRung(validation, test, [], new TrainingCost(Stopwatch.GetElapsedTime(started).TotalSeconds, 0)) { Evaluation = evaluation };
    }

    /// <summary>
    /// Pretrains from <paramref name="fromEpoch"/> to <paramref name="toEpoch"/> and writes the checkpoint,
    /// without probing: the steps between rung ends, checkpointed for crash resume but never scored.
    /// Same arguments and exceptions as <see cref="Run"/>.
    /// </summary>
    public static (IReadOnlyList<EpochLoss> Losses, TrainingCost Cost) Pretrain(
        TrialSettings settings,
        DataSplit data,
        int fromEpoch,
        int toEpoch,
        Stream? checkpointIn,
        Stream checkpointOut,
        IProgress<TrainProgress>? progress,
        CancellationToken cancellationToken,
        ILogger? logger = null)
    {
        var started = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(data);
        return Train(settings, data.Train, fromEpoch, toEpoch, checkpointIn, checkpointOut, progress, cancellationToken, logger, (_, run) =>
            (run.Losses, new TrainingCost(Stopwatch.GetElapsedTime(started).TotalSeconds, run.Images * MaeCost.TrainingFlopsPerImage(settings.Model))));
    }

    /// <summary>
    /// Trains from the checkpoint's position (an epoch boundary or a step inside epoch <paramref name="fromEpoch"/>)
    /// towards <paramref name="toEpoch"/>, stopping at the next step boundary once <paramref name="stop"/> fires (a
    /// silo handing its trials over), and writes the checkpoint where it ended, which resumes exactly there. Probes
    /// only when it reached <paramref name="toEpoch"/> and <paramref name="probeAtEnd"/> asks for it.
    /// Same exceptions as <see cref="Run"/>.
    /// </summary>
    public static RungSegment RunStoppable(
        TrialSettings settings,
        DataSplit data,
        int fromEpoch,
        int toEpoch,
        Stream? checkpointIn,
        Stream checkpointOut,
        bool probeAtEnd,
        IProgress<TrainProgress>? progress,
        CancellationToken stop,
        CancellationToken cancellationToken,
        ILogger? logger = null,
        LensDataset? pretrainingImages = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var started = Stopwatch.GetTimestamp();
        return Train(settings, pretrainingImages ?? data.Train, fromEpoch, toEpoch, checkpointIn, checkpointOut, progress, cancellationToken, logger, (model, run) =>
        {
            ProbeScore? validation = null, test = null;
            EvaluationResult? evaluation = null;
            if (run.StoppedAt is null && probeAtEnd)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (validation, test, evaluation) = Score(model, data, settings);
            }

            var cost = new TrainingCost(Stopwatch.GetElapsedTime(started).TotalSeconds, run.Images * MaeCost.TrainingFlopsPerImage(settings.Model));
            return new RungSegment(run.Losses, cost, run.StoppedAt, validation, test) { Evaluation = evaluation };
        }, stop);
    }

    /// <summary>Trains the epochs and writes the checkpoint, then hands the trained model to
    /// <paramref name="finish"/> before the trainer (which owns the model) is disposed.</summary>
    private static T Train<T>(
        TrialSettings settings,
        LensDataset images,
        int fromEpoch,
        int toEpoch,
        Stream? checkpointIn,
        Stream checkpointOut,
        IProgress<TrainProgress>? progress,
        CancellationToken cancellationToken,
        ILogger? logger,
        Func<MaeModel, TrainingRun, T> finish,
        CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(checkpointOut);
        ValidateSettings(settings);
        if (fromEpoch < 0)
            throw new ArgumentOutOfRangeException(nameof(fromEpoch), fromEpoch, "The rung must start at epoch 0 or later.");
        if (toEpoch <= fromEpoch)
            throw new ArgumentOutOfRangeException(nameof(toEpoch), toEpoch, $"The rung must end after its start epoch {fromEpoch}.");
        if (checkpointIn is null && fromEpoch != 0)
            throw new ArgumentException($"A rung starting at epoch {fromEpoch} needs the checkpoint of the previous rung.", nameof(checkpointIn));

        if (settings.Threads > 0) TorchSharp.torch.set_num_threads(settings.Threads);
        using var trainer = new MaeTrainer(settings.Model, settings.Optimizer, settings.Seed, settings.Device, logger);
        if (checkpointIn is not null)
        {
            trainer.LoadCheckpoint(checkpointIn);
            if (trainer.CompletedEpochs != fromEpoch)
                throw new InvalidDataException($"Checkpoint is at epoch {trainer.CompletedEpochs}, but the rung starts at epoch {fromEpoch}.");
        }

        var run = trainer.Train(images, toEpoch, progress, cancellationToken, stop);
        trainer.SaveCheckpoint(checkpointOut);
        return finish(trainer.Model, run);
    }

    /// <summary>Fits the probe on the train split's encoder features and scores validation and test.</summary>
    /// <summary>The rung's scores: every evaluation when the settings ask for them (the probe's two scores
    /// read from it, so the probe is fitted once), else the linear probe alone.</summary>
    private static (ProbeScore Validation, ProbeScore Test, EvaluationResult? Evaluation) Score(MaeModel model, DataSplit data, TrialSettings settings)
    {
        if (settings.Evaluation is not { } evaluationSettings)
        {
            var (validation, test) = ProbeEncoder(model, data, settings.Probe);
            return (validation, test, null);
        }

        var evaluation = EncoderEvaluation.Evaluate(model, data, evaluationSettings with { Probe = settings.Probe }, settings.Seed);
        ProbeScore Probe(IReadOnlyDictionary<string, MetricValue> metrics) =>
            new(metrics[EvaluationMetrics.ProbeAccuracy].Value, metrics[EvaluationMetrics.ProbeAuc].Value);
        return (Probe(evaluation.Validation), Probe(evaluation.Test), evaluation);
    }

    public static (ProbeScore Validation, ProbeScore Test) ProbeEncoder(MaeModel model, DataSplit data, ProbeConfig probe)
    {
        var fitted = LinearProbe.Fit(ProbeFeatures.FromEncoder(model, data.Train, probe), probe);
        return (fitted.Score(ProbeFeatures.FromEncoder(model, data.Validation, probe)),
                fitted.Score(ProbeFeatures.FromEncoder(model, data.Test, probe)));
    }

    internal static void ValidateSettings(TrialSettings settings)
    {
        var problems = settings.Model.Validate()
            .Concat(settings.Optimizer.Validate())
            .Concat(settings.Probe.Validate())
            .Concat(settings.Probe.ProblemsWith(settings.Model).Select(p => p.Message))
            .ToList();
        if (settings.Threads < 0)
            problems.Add($"Threads must be zero (leave as is) or positive, got {settings.Threads}.");
        if (problems.Count > 0)
            throw new ArgumentException("Invalid trial settings: " + string.Join(" ", problems), nameof(settings));
    }
}

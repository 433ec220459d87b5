using System.Diagnostics;
using LensSweep.Grains.Diagnostics;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Trials;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Probing;
using LensSweep.Models.Training;
using Microsoft.Extensions.Logging;

namespace LensSweep.Grains.Training;

/// <summary>
/// The real trainer: pretrains the trial's MAE with TorchSharp from its last checkpoint, probes it, and
/// stores the new checkpoint. Runs on the slot's device-worker thread (DeviceWorkerPool), so it may block.
/// </summary>
public sealed partial class TorchTrialTrainer(IArtifactStore artifacts, DatasetCache datasets, ILogger<TorchTrialTrainer> logger) : ITrialTrainer
{
    public Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken) =>
        TrainRungAsync(work, progress, CancellationToken.None, cancellationToken);

    public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken stop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);

        // Everything up to the end of training stays on the calling thread, the slot's device thread: an
        // await that yielded here would move libtorch onto a thread-pool thread, and every other live thread
        // that has used libtorch keeps its own OpenMP team, which cut 2-thread training by a third.
        var studyData = datasets.GetStudyDataAsync(work.Dataset, cancellationToken).GetAwaiter().GetResult()
            .ViewOf(work.Config.ImagesPerClass, work.Config.UnlabelledPerClass, work.Dataset);
        var data = studyData.Split;
        var image = data.Train;
        var model = work.Config.ToMaeConfig(image.Height, image.Channels);
        var settings = new TrialSettings(
            model,
            work.Config.ToOptimizerConfig(work.MaxEpochs),
            work.Probe.ToProbeConfig(model),
            work.Seed,
            TorchDevice(work.Device))
        {
            Evaluation = work.Probe.ToEvaluationSettings(model),
        };

        if (work.FromEpoch == work.ToEpoch && work.ResumeFromKey is null)
        {
            // Epoch 0: score the untrained encoder (the random-init baseline); there is nothing to checkpoint.
            LogScoringInitial(logger, work.StudyId, work.Trial, work.Device);
            var initial = TrialRunner.ScoreInitialWeights(settings, data, cancellationToken, logger);
            if (initial.Evaluation is { } initialEvaluation)
            {
                await StoreInitialEvaluationAsync(work, initialEvaluation, cancellationToken).ConfigureAwait(false);
            }

            return Outcome(initial);
        }

        using var checkpointIn = work.ResumeFromKey is null ? null : ReadCheckpointAsync(work.ResumeFromKey, cancellationToken).GetAwaiter().GetResult();
        using var checkpointOut = new MemoryStream();
        LogTraining(logger, work.StudyId, work.Trial, work.FromEpoch, work.ToEpoch, work.Device, work.FromStep);
        var pace = new EpochPace(work.Config.BatchSize);
        var report = new InlineProgress<TrainProgress>(p =>
        {
            progress.Report(new TrialProgress(p.Epoch, p.Loss)
            {
                StepsDone = p.Step + 1,
                StepsPerEpoch = p.StepsPerEpoch,
                ImagesPerSecond = p.ImagesPerSecond,
                StepsPerSecond = p.ImagesPerSecond / work.Config.BatchSize,
            });
            if (pace.Observe(p.Epoch, p.Step, p.StepsPerEpoch, p.ImagesPerSecond) is { } epoch)
                EngineMetrics.RecordEpoch(work.StudyId, work.Device, epoch);
        });

        // Mid-rung epochs are checkpointed for crash resume but never scored: probing them is waste.
        var segment = TrialRunner.RunStoppable(settings, data, work.FromEpoch, work.ToEpoch, checkpointIn, checkpointOut, work.ProbeAtEnd, report, stop, cancellationToken, logger, studyData.PretrainingImages);
        var evaluation = segment.Evaluation is { } trained
            ? WithGains(trained, await ReadInitialEvaluationAsync(work, cancellationToken).ConfigureAwait(false))
            : null;
        var scores = segment.Validation is { } validation && segment.Test is { } test
            ? Scores(validation, test, evaluation)
            : null;
        var stoppedAt = segment.StoppedAt is { } at ? new StepPosition(at.Epoch, at.Step) : null;
        var outcome = new RungOutcome(scores, new Trials.TrialCost(segment.Cost.Seconds, segment.Cost.TrainingFlops), [.. segment.Losses.Select(l => l.MeanLoss)])
        {
            StoppedAt = stoppedAt,
        };

        checkpointOut.Position = 0;
        var writing = Stopwatch.GetTimestamp();
        await artifacts.PutAsync(stoppedAt is null ? work.CheckpointKey : work.StopCheckpointKey, checkpointOut, cancellationToken).ConfigureAwait(false);
        EngineMetrics.RecordCheckpoint(work.StudyId, work.Device, checkpointOut.Length, Stopwatch.GetElapsedTime(writing));
        return outcome;
    }

    private static RungOutcome Outcome(TrainedRung result) => new(
        Scores(result.Validation, result.Test, result.Evaluation),
        new Trials.TrialCost(result.Cost.Seconds, result.Cost.TrainingFlops),
        [.. result.Losses.Select(l => l.MeanLoss)]);

    /// <summary>Adds each evaluation's gain over the trial's random-init scores, bootstrapped paired.</summary>
    internal static EvaluationResult WithGains(EvaluationResult trained, EvaluationResult? initial) => initial is null
        ? trained
        : new EvaluationResult(
            trained.Validation.Concat(PairedGain.All(trained.Validation, initial.Validation)).ToDictionary(StringComparer.Ordinal),
            trained.Test.Concat(PairedGain.All(trained.Test, initial.Test)).ToDictionary(StringComparer.Ordinal));

    private async Task StoreInitialEvaluationAsync(TrialWork work, EvaluationResult evaluation, CancellationToken cancellationToken)
    {
        using var file = new MemoryStream();
        EvaluationFile.Write(file, evaluation);
        file.Position = 0;
        await artifacts.PutAsync(TrialKeys.InitialEvaluation(work.StudyId, work.Trial), file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The trial's epoch-0 evaluation, or null for a trial scored before these files were kept (its
    /// gains then get the unpaired interval) or one whose file cannot be read (said in the log).</summary>
    private async Task<EvaluationResult?> ReadInitialEvaluationAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var key = TrialKeys.InitialEvaluation(work.StudyId, work.Trial);
        await using var stored = await artifacts.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        try
        {
            return EvaluationFile.Read(copy);
        }
        catch (InvalidDataException e)
        {
            LogUnreadableInitialEvaluation(logger, work.StudyId, work.Trial, key, e.Message);
            return null;
        }
    }

    private async Task<MemoryStream> ReadCheckpointAsync(string key, CancellationToken cancellationToken)
    {
        await using var stored = await artifacts.OpenReadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"The checkpoint '{key}' this trial resumes from is missing from the artifact store.");
        var copy = new MemoryStream();
        await stored.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        return copy;
    }

    /// <summary>Slot names are "cpu:N" (one CPU worker of several) or "cuda:N"; TorchSharp wants "cpu" for the former.</summary>
    internal static string TorchDevice(string slot) => slot.StartsWith("cpu", StringComparison.Ordinal) ? "cpu" : slot;

    /// <summary>The engine's record of a rung's scores: the probe's two, and every evaluation with its interval.</summary>
    internal static ProbeScores Scores(ProbeScore validation, ProbeScore test, EvaluationResult? evaluation) =>
        new(validation.MacroRocAuc, validation.Accuracy, test.MacroRocAuc, test.Accuracy)
        {
            Validation = Readings(evaluation?.Validation),
            Test = Readings(evaluation?.Test),
        };

    internal static IReadOnlyDictionary<string, MetricReading> Readings(IReadOnlyDictionary<string, MetricValue>? metrics) =>
        metrics?.ToDictionary(m => m.Key, m => new MetricReading(m.Value.Value, m.Value.Low, m.Value.High), StringComparer.Ordinal)
        ?? new Dictionary<string, MetricReading>();

    /// <summary>Passes each report on at once, on the reporting thread (System.Progress would queue it to the thread pool).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    [LoggerMessage(EventId = 322, Level = LogLevel.Warning, Message = "Trial {Study}/{Trial}: its random-init evaluation {Key} cannot be read ({Reason}); its gains get unpaired intervals")]
    private static partial void LogUnreadableInitialEvaluation(ILogger logger, string study, int trial, string key, string reason);

    [LoggerMessage(EventId = 321, Level = LogLevel.Information, Message = "Trial {Study}/{Trial}: scoring its untrained encoder (epoch 0) on {Device}")]
    private static partial void LogScoringInitial(ILogger logger, string study, int trial, string device);

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "Trial {Study}/{Trial}: training epochs {From}→{To} on {Device}, from step {FromStep} of epoch {From}")]
    private static partial void LogTraining(ILogger logger, string study, int trial, int from, int to, string device, int fromStep);
}

using System.Diagnostics;
using System.Text;
using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Models.Training;

/// <summary>What one call to <see cref="MaeTrainer.Train"/> did.</summary>
/// <param name="Losses">Mean loss of every epoch this call finished.</param>
/// <param name="Images">Images passed through the training step (for FLOP accounting).</param>
public sealed record TrainingRun(IReadOnlyList<EpochLoss> Losses, long Steps, long Images, double Seconds)
{
    /// <summary>Where training stopped when it was asked to stop before the end; null when it reached it.</summary>
    public TrainingPosition? StoppedAt { get; init; }
}

/// <summary>
/// Pretrains one encoder under its config's objective (the MAE, or I-JEPA: <see cref="PretrainingObjective"/>)
/// with AdamW and a per-step warm-up + cosine schedule over
/// <see cref="OptimizerConfig.TotalEpochs"/>, in epochs, resumable from a checkpoint at any step (an epoch
/// boundary, or a step inside an epoch where training was asked to stop). Each epoch's shuffle comes from
/// (seed, epoch) and each step's masking noise from (seed, epoch, step) only, so training 0→1, checkpointing,
/// and training 1→2 in a new trainer gives the weights of training 0→2 straight through; so does stopping at
/// step k of an epoch and resuming there. I-JEPA's blocks are drawn from the same per-step noise and its EMA
/// momentum from the step's position in the run, so the same holds for it.
/// </summary>
public sealed partial class MaeTrainer : IDisposable
{
    private readonly Device device;

    // Everything a checkpoint holds (the MAE, or I-JEPA's two encoders and predictor), and the objective's step.
    private readonly TorchSharp.torch.nn.Module weights;
    private readonly IPretrainingStep step;
    private readonly ILogger logger;

    // Where a stopped epoch stands: its length (to refuse resuming it on other data) and its losses so far.
    private int stoppedEpochLength;
    private double epochLossSum;

    /// <param name="seed">Seeds the weights, the per-epoch shuffles and the masking noise.</param>
    /// <param name="device">"cpu", "cpu:N", "cuda" or "cuda:N" (see <see cref="TrainingDevice.Parse"/>).</param>
    /// <exception cref="ArgumentException">Either config is invalid (every problem is listed).</exception>
    public MaeTrainer(MaeConfig model, OptimizerConfig optimizer, long seed, string device = "cpu", ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var problems = model.Validate().Concat(optimizer.Validate()).ToList();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid trial configuration: " + string.Join(" ", problems), nameof(model));

        this.device = TrainingDevice.Parse(device);
        this.logger = logger ?? NullLogger.Instance;
        ModelConfig = model;
        OptimizerConfig = optimizer;
        Seed = seed;
        (weights, Model) = PretrainingObjectives.Build(model, seed);
        weights.to(this.device);
        step = PretrainingObjectives.Step(weights, optimizer);
    }

    /// <summary>The encoder evaluations read: the MAE, or I-JEPA's target encoder (see <see cref="MaeConfig.Objective"/>).</summary>
    public MaeModel Model { get; }

    public MaeConfig ModelConfig { get; }

    public OptimizerConfig OptimizerConfig { get; }

    public long Seed { get; }

    /// <summary>Epochs finished so far (the next epoch to train, zero-based).</summary>
    public int CompletedEpochs { get; private set; }

    public long CompletedSteps { get; private set; }

    /// <summary>Steps in one epoch over <paramref name="images"/> images: full batches only (MAE drops the
    /// last partial batch), and a single batch of everything when there are fewer images than a batch.</summary>
    public static int StepsPerEpoch(int images, int batchSize) => images < batchSize ? 1 : images / batchSize;

    /// <summary>Steps of epoch <see cref="CompletedEpochs"/> already done: 0 at an epoch boundary, more after
    /// <see cref="Train"/> was stopped inside an epoch (or such a checkpoint was loaded).</summary>
    public int StepInEpoch { get; private set; }

    /// <summary>Trains from where the trainer stands (<see cref="CompletedEpochs"/>, <see cref="StepInEpoch"/>) up to
    /// (not including) epoch <paramref name="toEpoch"/>.</summary>
    /// <param name="stop">Checked before every step: once it has fired, training returns at that step boundary
    /// (<see cref="TrainingRun.StoppedAt"/> says where) instead of throwing, and <see cref="SaveCheckpoint"/> then
    /// writes a checkpoint that resumes at exactly that step, with the same data order, masks and optimiser state.</param>
    /// <exception cref="ArgumentException">The dataset does not fit the model, or the epoch range is invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; checked before every step.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public TrainingRun Train(LensDataset data, int toEpoch, IProgress<TrainProgress>? progress = null, CancellationToken cancellationToken = default, CancellationToken stop = default)
    {
        CheckDataset(data);
        if (toEpoch <= CompletedEpochs)
            throw new ArgumentOutOfRangeException(nameof(toEpoch), toEpoch, $"Training must end after epoch {CompletedEpochs}, which is already done.");
        if (toEpoch > OptimizerConfig.TotalEpochs)
            throw new ArgumentOutOfRangeException(nameof(toEpoch), toEpoch,
                $"Training cannot go past OptimizerConfig.TotalEpochs = {OptimizerConfig.TotalEpochs}, where the cosine schedule ends.");

        var batch = Math.Min(OptimizerConfig.BatchSize, data.Count);
        var stepsPerEpoch = StepsPerEpoch(data.Count, OptimizerConfig.BatchSize);
        if (StepInEpoch > 0 && stoppedEpochLength != stepsPerEpoch)
            throw new ArgumentException(
                $"Training stopped at step {StepInEpoch} of an epoch of {stoppedEpochLength} steps, but this dataset gives {stepsPerEpoch} steps per epoch: " +
                "the resumed epoch would not be the one that was stopped.", nameof(data));

        // Any position inside an epoch from here on (a stop, a cancellation, a divergence) belongs to this length.
        stoppedEpochLength = stepsPerEpoch;

        var buffer = new float[batch * data.PixelsPerImage];
        long[] shape = [batch, data.Channels, data.Height, data.Width];
        var losses = new List<EpochLoss>();
        long steps = 0;
        var started = Stopwatch.GetTimestamp();
        weights.train();

        for (var epoch = CompletedEpochs; epoch < toEpoch; epoch++)
        {
            var order = SeedMix.Permutation(data.Count, SeedMix.Derive(Seed, epoch, SeedMix.ShuffleStream));
            for (var i = StepInEpoch; i < stepsPerEpoch; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (stop.IsCancellationRequested)
                {
                    return new TrainingRun(losses, steps, steps * batch, Stopwatch.GetElapsedTime(started).TotalSeconds) { StoppedAt = new TrainingPosition(epoch, i) };
                }

                var stepStarted = Stopwatch.GetTimestamp();
                var learningRate = OptimizerConfig.LearningRateAt(epoch + i / (double)stepsPerEpoch);
                FillBatch(data, order.AsSpan(i * batch, batch), buffer);
                float loss;
                using (var noise = new Generator(SeedMix.MaskingSeed(Seed, epoch, i), CPU))
                using (var images = tensor(buffer, shape))
                using (var onDevice = images.to(device))
                    loss = step.Run(onDevice, noise, learningRate, (epoch + (i / (double)stepsPerEpoch)) / OptimizerConfig.TotalEpochs);

                if (!float.IsFinite(loss))
                {
                    LogDiverged(logger, epoch, i, loss);
                    throw new TrainingDivergedException(epoch, i, loss);
                }

                epochLossSum += loss;
                StepInEpoch = i + 1;
                steps++;
                CompletedSteps++;
                progress?.Report(new TrainProgress(epoch, i, stepsPerEpoch, loss, learningRate,
                    batch / Stopwatch.GetElapsedTime(stepStarted).TotalSeconds));
            }

            var meanLoss = epochLossSum / stepsPerEpoch;
            CompletedEpochs = epoch + 1;
            StepInEpoch = 0;
            epochLossSum = 0;
            losses.Add(new EpochLoss(epoch, meanLoss));
            LogEpoch(logger, epoch, meanLoss, stepsPerEpoch);
        }

        return new TrainingRun(losses, steps, steps * batch, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Writes weights, optimiser state, seed and epoch (format: <see cref="MaeCheckpoint"/>).</summary>
    public void SaveCheckpoint(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        var midEpoch = StepInEpoch > 0;
        MaeCheckpoint.WriteHeader(writer, new CheckpointHeader(
            ModelConfig, OptimizerConfig, Seed, CompletedEpochs, CompletedSteps,
            StepInEpoch, midEpoch ? stoppedEpochLength : 0, midEpoch ? epochLossSum : 0));
        weights.save(writer);
        step.Optimizer.save_state_dict(writer);
        MaeCheckpoint.WriteEnd(writer);
        writer.Flush();
    }

    /// <summary>Restores a checkpoint written by a trainer with the same configs and seed.</summary>
    /// <exception cref="InvalidDataException">Not a checkpoint, corrupt, or written for another configuration.</exception>
    public void LoadCheckpoint(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        var header = MaeCheckpoint.ReadHeader(reader);
        MaeCheckpoint.EnsureObjective(header, ModelConfig.Objective);
        var differences = CheckpointFraming.Differences(header.Model, ModelConfig)
            .Concat(CheckpointFraming.Differences(header.Optimizer, OptimizerConfig))
            .Concat(header.Seed == Seed ? [] : [$"Seed: checkpoint {header.Seed}, trainer {Seed}"])
            .ToList();
        if (differences.Count > 0)
            throw new InvalidDataException("Checkpoint was written for a different trial and cannot be resumed here: " + string.Join("; ", differences) + ".");
        if (header.Epoch > OptimizerConfig.TotalEpochs || (header.IsMidEpoch && header.Epoch >= OptimizerConfig.TotalEpochs))
            throw new InvalidDataException($"Checkpoint is at epoch {header.Epoch} step {header.StepInEpoch}, past TotalEpochs {OptimizerConfig.TotalEpochs}.");

        try
        {
            weights.load(reader, strict: true);
            step.Optimizer.load_state_dict(reader);
            MaeCheckpoint.ReadEnd(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("MAE checkpoint is truncated: it ends inside the model or optimiser state.", e);
        }

        CompletedEpochs = header.Epoch;
        CompletedSteps = header.Steps;
        StepInEpoch = header.StepInEpoch;
        stoppedEpochLength = header.StepsPerEpoch;
        epochLossSum = header.EpochLossSum;
    }

    public void Dispose()
    {
        step.Dispose();
        weights.Dispose();
    }

    private void CheckDataset(LensDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count <= 0)
            throw new ArgumentException("The training dataset is empty.", nameof(data));
        if (data.Channels != ModelConfig.Channels || data.Height != ModelConfig.ImageSize || data.Width != ModelConfig.ImageSize)
            throw new ArgumentException(
                $"Dataset images are {data.Channels}×{data.Height}×{data.Width} but the MAE expects " +
                $"{ModelConfig.Channels}×{ModelConfig.ImageSize}×{ModelConfig.ImageSize}.", nameof(data));
        if (data.Images.Length != (long)data.Count * data.PixelsPerImage)
            throw new ArgumentException(
                $"Dataset holds {data.Images.Length} values, not Count·C·H·W = {(long)data.Count * data.PixelsPerImage}.", nameof(data));
    }

    private static void FillBatch(LensDataset data, ReadOnlySpan<int> indices, float[] buffer)
    {
        var pixels = data.PixelsPerImage;
        for (var i = 0; i < indices.Length; i++)
            data.Image(indices[i]).CopyTo(buffer.AsSpan(i * pixels, pixels));
    }

    [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "MAE epoch {Epoch} done: mean loss {MeanLoss:F5} over {Steps} steps")]
    private static partial void LogEpoch(ILogger logger, int epoch, double meanLoss, int steps);

    [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "MAE training diverged at epoch {Epoch}, step {Step}: loss {Loss}")]
    private static partial void LogDiverged(ILogger logger, int epoch, int step, float loss);
}

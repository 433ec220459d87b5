using System.Text;
using System.Text.Json;
using LensSweep.Models.Data;
using LensSweep.Models.Probing;
using LensSweep.Models.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Finetuning;

/// <summary>What a downstream network predicts.</summary>
public enum DownstreamTask
{
    /// <summary>Class probabilities, cross-entropy loss.</summary>
    Classification,

    /// <summary>One standardised value, mean squared error.</summary>
    Regression,

    /// <summary>An image <c>factor</c> times the input's side, L1 loss (mean absolute error per pixel).</summary>
    SuperResolution,
}

/// <summary>How a downstream network is trained (the same for every contender of a run).</summary>
/// <param name="Augment">Each training image under a random <see cref="Dihedral"/> transform, drawn per (seed, epoch, step, image)
/// (a super-resolution truth under the same transform as its input).</param>
public sealed record FinetuneSettings(LpFtSchedule Schedule, int BatchSize, double WeightDecay, long Seed, bool Augment = true)
{
    /// <summary>Every rule these settings break (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = Schedule.Validate().ToList();
        if (BatchSize < 1) problems.Add($"BatchSize must be at least 1; got {BatchSize}.");
        if (!(WeightDecay >= 0 && double.IsFinite(WeightDecay))) problems.Add($"WeightDecay must be 0 or more; got {WeightDecay}.");
        return problems;
    }
}

/// <summary>One epoch of a downstream network's training.</summary>
/// <param name="ValidationScore">What epochs are chosen by, higher is better: macro ROC-AUC (accuracy where the
/// validation split has one class), minus the standardised mean squared error of a regression, or minus the
/// mean absolute pixel error of a super-resolution.</param>
public sealed record FinetuneEpoch(int Epoch, FinetunePhase Phase, double TrainLoss, double ValidationLoss, double ValidationScore);

/// <summary>Where one network's training stands after an epoch (for progress lines).</summary>
public sealed record FinetuneProgress(int Epoch, int TotalEpochs, FinetuneEpoch Result, bool IsBest);

/// <summary>
/// Trains one <see cref="DownstreamNetwork"/> epoch by epoch on the <see cref="LpFtSchedule"/> with AdamW,
/// keeping every epoch's validation result. Each epoch's shuffle comes from (seed, epoch) and each step's
/// augmentation from (seed, epoch, step), so a trainer restored from a checkpoint after epoch k trains epoch k+1
/// exactly as one that never stopped. Checkpoint, in <see cref="CheckpointFraming"/>'s frame (magic "LSWPFT01",
/// version 1): length-prefixed JSON of the task, outputs, settings and history, the network's state, the AdamW state.
/// </summary>
public sealed class FinetuneTrainer : IDisposable
{
    private static readonly byte[] Magic = "LSWPFT01"u8.ToArray();
    private const int FormatVersion = 1;
    private const string Kind = "fine-tuning";
    private const int EvaluationBatch = 64;

    private readonly DownstreamNetwork network;
    private readonly AdamW optimizer;
    private readonly List<FinetuneEpoch> history = [];

    /// <param name="outputs">Classes of a classification, 1 for a regression, the factor of a super-resolution
    /// (the network's <see cref="DownstreamNetwork.Factor"/>).</param>
    /// <exception cref="ArgumentException">The settings are invalid (every problem is listed).</exception>
    public FinetuneTrainer(DownstreamNetwork network, DownstreamTask task, int outputs, FinetuneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid fine-tuning settings: " + string.Join(" ", problems), nameof(settings));
        if (!Enum.IsDefined(task))
            throw UnknownTask(task);
        if (task == DownstreamTask.Regression && outputs != 1)
            throw new ArgumentException($"A regression predicts one value; got {outputs} outputs.", nameof(outputs));
        if ((task == DownstreamTask.SuperResolution) != (network.Factor is not null) || (network.Factor is { } factor && factor != outputs))
            throw new ArgumentException($"A super-resolution needs a network with an upsampling head of factor {outputs} (its outputs), and only it does; got a network of factor {network.Factor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} for {task}.", nameof(network));
        this.network = network;
        Task = task;
        Outputs = outputs;
        Settings = settings;
        optimizer = optim.AdamW(network.parameters(), settings.Schedule.ProbeLearningRate, weight_decay: settings.WeightDecay);
    }

    public DownstreamTask Task { get; }

    public int Outputs { get; }

    public FinetuneSettings Settings { get; }

    public int CompletedEpochs => history.Count;

    public IReadOnlyList<FinetuneEpoch> History => history;

    public bool IsFinished => CompletedEpochs >= Settings.Schedule.TotalEpochs;

    /// <summary>The epoch with the highest validation score (the earliest of equals); null before the first.</summary>
    public int? BestEpoch => history.Count == 0 ? null
        : history.Where(e => !double.IsNaN(e.ValidationScore)).OrderByDescending(e => e.ValidationScore).ThenBy(e => e.Epoch).Select(e => (int?)e.Epoch).FirstOrDefault() ?? 0;

    /// <summary>Trains epoch <see cref="CompletedEpochs"/> and scores it on <paramref name="validation"/>.</summary>
    /// <param name="targets">Per training image: its class index, its standardised value, or its high-resolution
    /// truth (C·(H·factor)² values; see <see cref="TargetsPerImage"/>).</param>
    /// <exception cref="InvalidOperationException">Every epoch of the schedule is done.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public FinetuneEpoch TrainEpoch(LensDataset train, float[] targets, LensDataset validation, float[] validationTargets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(validationTargets);
        if (IsFinished)
            throw new InvalidOperationException($"All {Settings.Schedule.TotalEpochs} epochs are trained.");
        if (train.Count < 2)
            throw new ArgumentException("Fine-tuning needs at least two training images.", nameof(train));
        CheckTargets(train, targets);
        CheckTargets(validation, validationTargets);
        var epoch = CompletedEpochs;
        var phase = Settings.Schedule.PhaseOf(epoch);
        var trainBackbone = phase == FinetunePhase.FullFinetune;
        var batch = Math.Min(Settings.BatchSize, train.Count);
        // The last batch takes the rest, unless that is one image: batch norm cannot standardise a batch of one,
        // so it sits this epoch out (each epoch shuffles anew).
        var steps = (train.Count + batch - 1) / batch;
        if (steps > 1 && train.Count % batch == 1)
            steps--;
        var order = SeedMix.Permutation(train.Count, SeedMix.Derive(Settings.Seed, epoch, SeedMix.ShuffleStream));
        var pixels = train.PixelsPerImage;
        var perImage = TargetsPerImage(train);
        double lossSum = 0;
        var seen = 0;
        network.train();
        for (var step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = order.AsSpan(step * batch, Math.Min(batch, train.Count - (step * batch))).ToArray();
            var images = new float[rows.Length * pixels];
            var labels = new float[rows.Length * perImage];
            for (var i = 0; i < rows.Length; i++)
            {
                train.Image(rows[i]).CopyTo(images.AsSpan(i * pixels, pixels));
                targets.AsSpan(rows[i] * perImage, perImage).CopyTo(labels.AsSpan(i * perImage, perImage));
            }

            if (Settings.Augment)
            {
                var transforms = AugmentationTransforms(epoch, step, rows.Length);
                images = Dihedral.ApplyEach(images, train.Channels, train.Height, transforms);
                if (Task == DownstreamTask.SuperResolution)
                    labels = Dihedral.ApplyEach(labels, train.Channels, train.Height * Outputs, transforms);
            }

            using var scope = NewDisposeScope();
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = Settings.Schedule.LearningRateAt(epoch + (step / (double)steps));
            optimizer.zero_grad();
            var output = network.Forward(tensor(images, [rows.Length, train.Channels, train.Height, train.Width]), trainBackbone);
            var loss = Loss(output, tensor(labels));
            var value = loss.item<float>();
            if (!float.IsFinite(value))
                throw new TrainingDivergedException(epoch, step, value);
            loss.backward();
            optimizer.step();
            lossSum += value * rows.Length;
            seen += rows.Length;
        }

        var predicted = Predict(validation, testTimeAugmentation: false);
        var result = new FinetuneEpoch(epoch, phase, lossSum / seen, MeanLoss(predicted, validationTargets), Score(predicted, validationTargets));
        history.Add(result);
        return result;
    }

    /// <summary>Values per image the targets hold: 1 (a class index or a value), or C·(side·factor)² for a super-resolution.</summary>
    public int TargetsPerImage(LensDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Task == DownstreamTask.SuperResolution ? data.Channels * data.Height * Outputs * data.Width * Outputs : 1;
    }

    /// <summary>Per image, class probabilities (N·classes, row-major), the standardised value (N) or the
    /// high-resolution image (N·C·(side·factor)²); with <paramref name="testTimeAugmentation"/> (not for a
    /// super-resolution, whose output turns with the image), averaged over the eight dihedral transforms.</summary>
    /// <exception cref="ArgumentException">Test-time augmentation of a super-resolution.</exception>
    public float[] Predict(LensDataset data, bool testTimeAugmentation)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (testTimeAugmentation && Task == DownstreamTask.SuperResolution)
            throw new ArgumentException("Test-time augmentation averages outputs that do not turn with the image; a super-resolution's do.", nameof(testTimeAugmentation));
        float[] Once(float[] images) => PredictPixels(images, data.Count, data.Channels, data.Height, data.Width);
        return testTimeAugmentation
            ? TestTimeAugmentation.Predict(data.Images, data.Count, data.Channels, data.Height, Once)
            : Once(data.Images);
    }

    /// <summary>Every epoch's state: weights, optimiser moments and the history (a resumed trainer continues from it).</summary>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        CheckpointFraming.WriteStart(writer, Magic, FormatVersion);
        writer.Write(JsonSerializer.Serialize(new Header(Task, Outputs, Settings, history)));
        network.save(writer);
        optimizer.save_state_dict(writer);
        CheckpointFraming.WriteEnd(writer);
        writer.Flush();
    }

    /// <summary>Restores a checkpoint <see cref="Save"/> wrote for the same task and settings.</summary>
    /// <exception cref="InvalidDataException">Not such a checkpoint, corrupt, or written with other settings.</exception>
    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            CheckpointFraming.ReadStart(reader, Magic, FormatVersion, FormatVersion, Kind);
            var header = JsonSerializer.Deserialize<Header>(reader.ReadString()) ?? throw new InvalidDataException("Fine-tuning checkpoint has an empty header.");
            var differences = CheckpointFraming.Differences(new Identity(header.Task, header.Outputs, header.Settings), new Identity(Task, Outputs, Settings)).ToList();
            if (differences.Count > 0)
                throw new InvalidDataException($"Fine-tuning checkpoint was written for other settings: {string.Join("; ", differences)}.");
            network.load(reader, strict: true);
            optimizer.load_state_dict(reader);
            CheckpointFraming.ReadEnd(reader, Kind);
            history.Clear();
            history.AddRange(header.History);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Fine-tuning checkpoint cannot be read: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        optimizer.Dispose();
        network.Dispose();
    }

    /// <summary>The transform of each image of a step, from (seed, epoch, step) alone.</summary>
    internal int[] AugmentationTransforms(int epoch, int step, int count)
    {
        var state = SeedMix.Mix(SeedMix.Derive(Settings.Seed, epoch, SeedMix.AugmentationStream) ^ (ulong)step);
        var transforms = new int[count];
        for (var i = 0; i < count; i++)
            transforms[i] = (int)(SeedMix.Mix(state ^ (ulong)i) % Dihedral.Count);
        return transforms;
    }

    private float[] PredictPixels(float[] images, int count, int channels, int height, int width)
    {
        // Class probabilities, one value, or a super-resolution's image.
        var perImage = Task == DownstreamTask.SuperResolution ? channels * height * Outputs * width * Outputs : Outputs;
        var result = new float[count * perImage];
        var pixels = channels * height * width;
        network.eval();
        using var _ = no_grad();
        for (var start = 0; start < count; start += EvaluationBatch)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(EvaluationBatch, count - start);
            var input = tensor(images.AsSpan(start * pixels, n * pixels).ToArray(), [n, channels, height, width]);
            var output = network.Forward(input, trainBackbone: false);
            if (Task == DownstreamTask.Classification)
                output = nn.functional.softmax(output, 1);
            output.contiguous().data<float>().CopyTo(result, start * perImage);
        }

        return result;
    }

    private Tensor Loss(Tensor output, Tensor targets) => Task switch
    {
        DownstreamTask.Classification => nn.functional.cross_entropy(output, targets.to(ScalarType.Int64)),
        DownstreamTask.Regression => nn.functional.mse_loss(output.squeeze(1), targets),
        DownstreamTask.SuperResolution => nn.functional.l1_loss(output, targets.reshape(output.shape)),
        _ => throw UnknownTask(Task),
    };

    private static ArgumentOutOfRangeException UnknownTask(DownstreamTask task) =>
        new(nameof(task), task, "The fine-tuning trainer has no loss for this task.");

    private double MeanLoss(float[] predicted, float[] targets)
    {
        double sum = 0;
        for (var i = 0; i < targets.Length; i++)
        {
            sum += Task switch
            {
                DownstreamTask.Classification => -Math.Log(Math.Max(predicted[(i * Outputs) + (int)targets[i]], 1e-12f)),
                DownstreamTask.Regression => (predicted[i] - targets[i]) * (double)(predicted[i] - targets[i]),
                DownstreamTask.SuperResolution => Math.Abs(predicted[i] - (double)targets[i]),
                _ => throw UnknownTask(Task),
            };
        }

        // Per image for a classification and a regression (one target each), per pixel for a super-resolution.
        return sum / Math.Max(1, targets.Length);
    }

    private double Score(float[] predicted, float[] targets)
    {
        if (Task != DownstreamTask.Classification)
            return -MeanLoss(predicted, targets);
        var classes = targets.Select(t => (int)t).ToArray();
        var auc = RocAuc.MacroOneVsRest(predicted, classes, Outputs);
        return double.IsNaN(auc) ? Accuracy.Of(predicted, classes, Outputs) : auc;
    }

    private void CheckTargets(LensDataset data, float[] targets)
    {
        if (targets.Length != (long)data.Count * TargetsPerImage(data))
            throw new ArgumentException($"{data.Count} images need {(long)data.Count * TargetsPerImage(data)} target values ({TargetsPerImage(data)} each); got {targets.Length}.", nameof(targets));
        if (data.Height != data.Width)
            throw new ArgumentException($"Images must be square; got {data.Height}×{data.Width}.", nameof(data));
        if (Task == DownstreamTask.Classification && targets.Any(t => t < 0 || t >= Outputs || t != MathF.Floor(t)))
            throw new ArgumentException($"Classification targets must be class indices 0 to {Outputs - 1}.", nameof(targets));
    }

    /// <summary>What a checkpoint must share with the trainer that reads it.</summary>
    private sealed record Identity(DownstreamTask Task, int Outputs, FinetuneSettings Settings);

    private sealed record Header(DownstreamTask Task, int Outputs, FinetuneSettings Settings, IReadOnlyList<FinetuneEpoch> History);
}

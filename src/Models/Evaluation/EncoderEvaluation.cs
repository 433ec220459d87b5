using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using static TorchSharp.torch;

namespace LensSweep.Models.Evaluation;

/// <summary>How a frozen encoder (or raw pixels) is evaluated at epoch 0 and at every rung end.</summary>
public sealed record EvaluationSettings
{
    /// <summary>The linear classification probe (<c>probe_auc</c>, <c>probe_accuracy</c>) and its pooling.</summary>
    public ProbeConfig Probe { get; init; } = new();

    /// <summary>Run the ridge probes of physical truth (when the data has truths that vary).</summary>
    public bool Regression { get; init; } = true;

    /// <summary>Regions per side the ridge features average patch tokens over (reduced to the largest divisor of
    /// the patch grid): where an arc sits is what the macro-lens truths are about.</summary>
    public int RidgeRegionGrid { get; init; } = 4;

    public IReadOnlyList<double> Lambdas { get; init; } = RidgeRegression.DefaultLambdas;

    /// <summary>At most this many train-split images fit every probe, linear and ridge (evenly spaced over the
    /// split); null = the whole train split. The pixel baseline uses the same images. At least
    /// <see cref="MinTrainImages"/>.</summary>
    public int? MaxTrainImages { get; init; }

    /// <summary>The fewest images <see cref="MaxTrainImages"/> may name: the ridge fits a truth only with three
    /// known values. A study spec's <c>probe.train_images</c> is held to it.</summary>
    public const int MinTrainImages = 3;

    /// <summary>At most this many train images fit the ridge (evenly spaced): its solve grows with their cube.</summary>
    public int MaxRidgeTrainRows { get; init; } = 2000;

    /// <summary>Compute <c>recon_loss</c> (for MAE encoders only: see <see cref="EncoderEvaluation.HasReconstruction"/>).</summary>
    public bool Reconstruction { get; init; } = true;

    /// <summary>At most this many held-out images per split for <c>recon_loss</c>.</summary>
    public int MaxReconImages { get; init; } = 512;

    public int BootstrapResamples { get; init; } = BootstrapInterval.DefaultResamples;

    public int BootstrapSeed { get; init; }
}

/// <summary>A frozen encoder's features for one split's probes: the linear probe's (train, validation, test), the
/// ridge's all-layer region features (null when no ridge runs), and the width of the last block's columns in them.</summary>
public sealed record EncoderFeatures(
    (FeatureSet Train, FeatureSet Validation, FeatureSet Test) Probe,
    (FeatureSet Train, FeatureSet Validation, FeatureSet Test)? Ridge,
    int LastWidth);

/// <summary>
/// Every evaluation of a frozen encoder, fitted on the train split and scored on validation (which decides)
/// and test (reported): the linear probe's classification scores, ridge R² of each physical truth the data
/// carries (λ and feature layers — last block or all — chosen on validation, per truth) and their macro mean,
/// and the masked-reconstruction loss, each with a 95% bootstrap interval over the split's images.
/// </summary>
public static class EncoderEvaluation
{
    public static EvaluationResult Evaluate(MaeModel model, DataSplit data, EvaluationSettings settings, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        data = ProbePool(data, settings);
        var result = Score(Features(model, data, settings), data, settings);
        if (settings.Reconstruction && HasReconstruction(model.Config))
        {
            var validation = new Dictionary<string, MetricValue>(result.Validation, StringComparer.Ordinal) { [EvaluationMetrics.ReconLoss] = ReconLoss(model, data.Validation, settings, seed) };
            var test = new Dictionary<string, MetricValue>(result.Test, StringComparer.Ordinal) { [EvaluationMetrics.ReconLoss] = ReconLoss(model, data.Test, settings, seed) };
            return new EvaluationResult(validation, test);
        }

        return result;
    }

    /// <summary>The frozen encoder's features the probes fit and score on, each extracted once: the linear probe's
    /// pooling, and (when the ridge probes run) every layer's region means, the last block's columns last.</summary>
    /// <param name="pool">The split as <see cref="ProbePool"/> cut it.</param>
    public static EncoderFeatures Features(MaeModel model, DataSplit pool, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(settings);
        var probe = (ProbeFeatures.FromEncoder(model, pool.Train, settings.Probe), ProbeFeatures.FromEncoder(model, pool.Validation, settings.Probe),
            ProbeFeatures.FromEncoder(model, pool.Test, settings.Probe));
        if (!settings.Regression || VaryingTruths(pool.Train).Count == 0)
        {
            return new EncoderFeatures(probe, null, 0);
        }

        var all = RidgeFeatures(model.Config, settings);
        var ridge = (ProbeFeatures.FromEncoder(model, pool.Train, all), ProbeFeatures.FromEncoder(model, pool.Validation, all), ProbeFeatures.FromEncoder(model, pool.Test, all));
        return new EncoderFeatures(probe, ridge, ridge.Item1.Dimension / (model.Config.Depth + 1));
    }

    /// <summary>The probes' scores (no reconstruction loss) on features from <see cref="Features"/> of the same <paramref name="pool"/>.</summary>
    public static EvaluationResult Score(EncoderFeatures features, DataSplit pool, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(settings);
        var validation = new Dictionary<string, MetricValue>(StringComparer.Ordinal);
        var test = new Dictionary<string, MetricValue>(StringComparer.Ordinal);
        Classify(features.Probe.Train, features.Probe.Validation, features.Probe.Test, settings, validation, test);
        if (features.Ridge is { } ridge)
        {
            Regress(pool, [ridge, (LastColumns(ridge.Train, features.LastWidth), LastColumns(ridge.Validation, features.LastWidth), LastColumns(ridge.Test, features.LastWidth))], settings, validation, test);
        }

        return new EvaluationResult(validation, test);
    }

    /// <summary>Whether <c>recon_loss</c> means something for an encoder of this config: only the MAE trains the
    /// decoder it reads; an I-JEPA encoder's decoder keeps its initial weights, so it is not scored.</summary>
    public static bool HasReconstruction(MaeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Objective == PretrainingObjective.Mae;
    }

    /// <summary>The same evaluations on raw pixels (no reconstruction): what no pretraining at all gives.</summary>
    public static EvaluationResult EvaluatePixels(DataSplit data, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        data = ProbePool(data, settings);
        var validation = new Dictionary<string, MetricValue>(StringComparer.Ordinal);
        var test = new Dictionary<string, MetricValue>(StringComparer.Ordinal);
        var pixels = (Train: ProbeFeatures.FromPixels(data.Train), Validation: ProbeFeatures.FromPixels(data.Validation), Test: ProbeFeatures.FromPixels(data.Test));
        Classify(pixels.Train, pixels.Validation, pixels.Test, settings, validation, test);
        if (settings.Regression && VaryingTruths(data.Train).Count > 0)
        {
            Regress(data, [pixels], settings, validation, test);
        }

        return new EvaluationResult(validation, test);
    }

    /// <summary>The features the ridge probes fit on: region means of every layer side by side (the last block's
    /// columns last), which the ridge also reads alone.</summary>
    public static ProbeConfig RidgeFeatures(MaeConfig model, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Probe with
        {
            Pooling = FeaturePooling.RegionMeans,
            RegionGrid = ProbeConfig.FittedRegionGrid(model, settings.RidgeRegionGrid),
            LastLayers = 1,
            EncoderLayers = [.. Enumerable.Range(0, model.Depth + 1)],
        };
    }

    /// <summary>The train rows the ridge fits on: at most <see cref="EvaluationSettings.MaxRidgeTrainRows"/>, evenly spaced.</summary>
    public static int[] RidgeTrainRows(int trainCount, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return EvenlySpaced(trainCount, settings.MaxRidgeTrainRows);
    }

    /// <summary>The split with its train part cut to <see cref="EvaluationSettings.MaxTrainImages"/> evenly spaced
    /// images (their truths kept with them); the split itself when it has no more.</summary>
    public static DataSplit ProbePool(DataSplit data, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MaxTrainImages is < EvaluationSettings.MinTrainImages)
            throw new ArgumentException($"MaxTrainImages must be at least {EvaluationSettings.MinTrainImages} (or null for the whole train split), got {settings.MaxTrainImages}.", nameof(settings));
        return settings.MaxTrainImages is { } max && data.Train.Count > max
            ? data with { Train = DataSplitter.Select(data.Train, EvenlySpaced(data.Train.Count, max)) }
            : data;
    }

    /// <summary>Truth columns with at least a few known, differing values in the train split.</summary>
    public static IReadOnlyList<string> VaryingTruths(LensDataset train)
    {
        if (train.Truths is not { } truths)
        {
            return [];
        }

        return [.. LensTruths.All.Where(name => truths.Columns.TryGetValue(name, out var column)
            && column.Where(double.IsFinite).Take(3).Count() >= 3
            && column.Where(double.IsFinite).Distinct().Skip(1).Any())];
    }

    private static void Classify(FeatureSet train, FeatureSet validation, FeatureSet test, EvaluationSettings settings,
        Dictionary<string, MetricValue> validationMetrics, Dictionary<string, MetricValue> testMetrics)
    {
        var probe = LinearProbe.Fit(train, settings.Probe);
        foreach (var (split, metrics) in new[] { (validation, validationMetrics), (test, testMetrics) })
        {
            var probabilities = probe.Probabilities(split);
            var classes = probe.ClassCount;
            double AccuracyOf(IReadOnlyList<int> rows) => Accuracy.Of(probabilities, split.Labels, classes, rows);
            double Auc(IReadOnlyList<int> rows)
            {
                var p = new float[rows.Count * classes];
                var labels = new int[rows.Count];
                for (var k = 0; k < rows.Count; k++)
                {
                    probabilities.AsSpan(rows[k] * classes, classes).CopyTo(p.AsSpan(k * classes, classes));
                    labels[k] = split.Labels[rows[k]];
                }

                return RocAuc.MacroOneVsRest(p, labels, classes);
            }

            var everyRow = Enumerable.Range(0, split.Count).ToArray();
            metrics[EvaluationMetrics.ProbeAuc] = WithInterval(Auc(everyRow), split.Count, rows => Auc(rows), settings);
            metrics[EvaluationMetrics.ProbeAccuracy] = WithInterval(AccuracyOf(everyRow), split.Count, rows => AccuracyOf(rows), settings);
        }
    }

    private static void Regress(DataSplit data, IReadOnlyList<(FeatureSet Train, FeatureSet Validation, FeatureSet Test)> candidates, EvaluationSettings settings,
        Dictionary<string, MetricValue> validationMetrics, Dictionary<string, MetricValue> testMetrics)
    {
        var targets = VaryingTruths(data.Train).Where(t => Known(data.Validation, t).Length >= 3 && Known(data.Test, t).Length >= 1).ToList();
        var ridgeRows = RidgeTrainRows(data.Train.Count, settings);
        var best = targets.ToDictionary(t => t, _ => (Score: double.NegativeInfinity, Validation: Array.Empty<double>(), Test: Array.Empty<double>()));
        foreach (var candidate in candidates)
        {
            var train = ridgeRows.Length == data.Train.Count ? candidate.Train.Values : Rows(candidate.Train, ridgeRows);
            using var ridge = new RidgeRegression(train, ridgeRows.Length, [(candidate.Validation.Values, candidate.Validation.Count), (candidate.Test.Values, candidate.Test.Count)], candidate.Train.Dimension);
            foreach (var target in targets)
            {
                var truth = data.Train.Truths!.Columns[target];
                var trainTruth = ridgeRows.Select(r => truth[r]).ToArray();
                var fitted = Enumerable.Range(0, ridgeRows.Length).Where(k => double.IsFinite(trainTruth[k])).ToArray();
                var validationTruth = data.Validation.Truths!.Columns[target];
                var validationRows = Known(data.Validation, target);
                foreach (var predictions in ridge.Predict(fitted, trainTruth, settings.Lambdas))
                {
                    var score = RSquared.Of(validationTruth, predictions[0], validationRows);
                    if (score > best[target].Score)
                    {
                        best[target] = (score, predictions[0], predictions[1]);
                    }
                }
            }
        }

        var chosen = targets.Where(t => best[t].Validation.Length > 0).ToList();
        foreach (var (split, metrics, pick) in new[] { (data.Validation, validationMetrics, 0), (data.Test, testMetrics, 1) })
        {
            double R2(string target, IReadOnlyList<int> rows)
            {
                var truth = split.Truths!.Columns[target];
                var known = rows.Where(r => double.IsFinite(truth[r])).ToArray();
                return RSquared.Of(truth, pick == 0 ? best[target].Validation : best[target].Test, known);
            }

            var everyRow = Enumerable.Range(0, split.Count).ToArray();
            foreach (var target in chosen)
            {
                metrics[EvaluationMetrics.R2Of(target)] = WithInterval(R2(target, everyRow), split.Count, rows => R2(target, rows), settings);
            }

            if (LensTruths.Macro.All(chosen.Contains))
            {
                double Macro(IReadOnlyList<int> rows) => LensTruths.Macro.Average(t => R2(t, rows));
                metrics[EvaluationMetrics.R2Macro] = WithInterval(Macro(everyRow), split.Count, Macro, settings);
            }
        }
    }

    private static MetricValue ReconLoss(MaeModel model, LensDataset split, EvaluationSettings settings, int seed)
    {
        var count = Math.Min(split.Count, settings.MaxReconImages);
        var losses = new double[count];
        var device = model.parameters().First().device;
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            using var noise = new Generator((ulong)seed, device);
            const int batch = 64;
            for (var start = 0; start < count; start += batch)
            {
                using var scope = NewDisposeScope();
                var n = Math.Min(batch, count - start);
                var images = tensor(split.Images.AsSpan(start * split.PixelsPerImage, n * split.PixelsPerImage).ToArray(), [n, split.Channels, split.Height, split.Width]).to(device);
                var (prediction, mask) = model.Reconstruct(images, noise);
                model.PerImageLoss(images, prediction, mask).to(float64).cpu().data<double>().ToArray().CopyTo(losses, start);
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }

        return WithInterval(losses.Average(), count, rows => rows.Average(r => losses[r]), settings);
    }

    private static MetricValue WithInterval(double value, int rows, Func<int[], double> statistic, EvaluationSettings settings) =>
        BootstrapInterval.Metric(value, rows, statistic, settings.BootstrapResamples, settings.BootstrapSeed);

    private static int[] Known(LensDataset split, string truth) =>
        split.Truths is { } t && t.Columns.TryGetValue(truth, out var column)
            ? [.. Enumerable.Range(0, split.Count).Where(i => double.IsFinite(column[i]))]
            : [];

    private static int[] EvenlySpaced(int count, int max) =>
        count <= max ? [.. Enumerable.Range(0, count)] : [.. Enumerable.Range(0, max).Select(k => (int)((long)k * count / max))];

    /// <summary>The given rows of a feature set's values, in that order.</summary>
    public static float[] Rows(FeatureSet features, IReadOnlyList<int> rows)
    {
        var values = new float[rows.Count * features.Dimension];
        for (var k = 0; k < rows.Count; k++)
        {
            features.Values.AsSpan(rows[k] * features.Dimension, features.Dimension).CopyTo(values.AsSpan(k * features.Dimension, features.Dimension));
        }

        return values;
    }

    /// <summary>The last block's columns of all-layer features (layers are concatenated in order).</summary>
    private static FeatureSet LastColumns(FeatureSet features, int width)
    {
        var values = new float[features.Count * width];
        for (var i = 0; i < features.Count; i++)
        {
            features.Values.AsSpan((i * features.Dimension) + features.Dimension - width, width).CopyTo(values.AsSpan(i * width, width));
        }

        return features with { Values = values, Dimension = width };
    }
}

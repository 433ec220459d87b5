using System.Text.Json;
using LensSweep.Models.Data;
using LensSweep.Models.Data.Npy;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;

namespace LensSweep.Models.Evaluation;

/// <summary>One implementation's scores in a pretraining cross-check: per seed at initialisation and after
/// pretraining, their means over seeds, and each metric's mean gain over seeds (keyed by the metric, not its <c>_gain</c> name) with a paired
/// bootstrap interval.</summary>
public sealed record PretrainingScores(
    IReadOnlyList<(IReadOnlyDictionary<string, double> RandomInit, IReadOnlyDictionary<string, double> Pretrained)> Seeds,
    IReadOnlyDictionary<string, double> RandomInit,
    IReadOnlyDictionary<string, double> Pretrained,
    IReadOnlyDictionary<string, MetricValue> Gain)
{
    /// <summary>Each seed's mean training loss per epoch (empty when not recorded).</summary>
    public IReadOnlyList<IReadOnlyList<double>> Losses { get; init; } = [];
}

/// <summary>
/// Is a pretraining result ours or the method's? Pretrains LensSweep's MAE for each seed as a study's trial is
/// pretrained and scored (<see cref="TrialRunner.ScoreInitialWeights"/> at epoch 0, then <see cref="TrialRunner.Run"/>
/// to the last epoch as one rung: the code a study runs, so the cross-check measures what a study measures), then writes the
/// images it pretrained and probed on, their labels and truths, the configuration and LensSweep's scores, so
/// bench/reference/pretrain_reference.py can pretrain the PyTorch reference MAE (../shared/bench/mae_reference.py)
/// on the same images with the same recipe and fit the same probes.
/// </summary>
/// <remarks>
/// Files: <c>images_pretraining.npy</c>, <c>images_train.npy</c> (the probe pool's train split),
/// <c>images_validation.npy</c> (float32 [n, C·H·W]); <c>labels_train.npy</c>, <c>labels_validation.npy</c>
/// (float64); <c>truth_train.npy</c>, <c>truth_validation.npy</c> (float64 [n, targets], NaN unknown, in the order
/// of <c>targets</c>); <c>inputs.json</c>: <c>model</c>, <c>optimizer</c>, <c>epochs</c>, <c>seeds</c>,
/// <c>classes</c>, <c>targets</c>, <c>probe</c> (<c>pooling</c> mean|regions, <c>region_grid</c>,
/// <c>last_layers</c>, <c>l2</c>, <c>iterations</c>, <c>learning_rate</c>), <c>ridge</c> (<c>region_grid</c>,
/// <c>lambdas</c>, <c>max_train_rows</c>), <c>bootstrap_resamples</c>, <c>parameters</c> and <c>lenssweep</c>
/// (<c>random_init</c> and <c>pretrained</c>: validation metric means over seeds; <c>gain</c>: metric →
/// [value, low, high]; <c>seeds</c>).
/// </remarks>
public static class PretrainingInputs
{
    /// <summary>Trains one encoder per seed for <paramref name="epochs"/> epochs on <paramref name="pretrainingImages"/>,
    /// evaluates it before and after on <paramref name="split"/> (no reconstruction loss: the reference's masks differ),
    /// writes the cross-check's inputs to <paramref name="folder"/> and returns LensSweep's scores.</summary>
    /// <exception cref="ArgumentException">The probe names explicit encoder layers or CLS pooling (the reference
    /// script reads last-layer mean or region pooling only), or no seed is given.</exception>
    public static PretrainingScores Write(
        string folder, DataSplit split, LensDataset pretrainingImages, MaeConfig model, OptimizerConfig optimizer, int epochs,
        IReadOnlyList<long> seeds, EvaluationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(pretrainingImages);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(settings);
        if (seeds.Count == 0)
            throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        if (settings.Probe.EncoderLayers is not null || settings.Probe.Pooling == FeaturePooling.ClsToken)
            throw new ArgumentException("The reference reads the probe's last-layer mean or region pooling only (no EncoderLayers, no CLS).", nameof(settings));

        settings = settings with { Reconstruction = false };
        optimizer = optimizer with { TotalEpochs = epochs };
        var runs = new List<(EvaluationResult Initial, EvaluationResult Trained)>();
        var losses = new List<IReadOnlyList<double>>();
        foreach (var seed in seeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A trial as the study runs one: its random-init score, then one rung from epoch 0 to the last.
            var trial = new TrialSettings(model, optimizer, settings.Probe, checked((int)seed)) { Evaluation = settings };
            var initial = TrialRunner.ScoreInitialWeights(trial, split, cancellationToken);
            var trained = TrialRunner.Run(trial, split, 0, epochs, checkpointIn: null, Stream.Null, progress: null, cancellationToken, pretrainingImages: pretrainingImages);
            losses.Add([.. trained.Losses.Select(l => l.MeanLoss)]);
            runs.Add((initial.Evaluation!, trained.Evaluation!));
        }

        long parameters;
        using (var counted = new MaeModel(model, seeds[0]))
        {
            parameters = counted.ParameterCount;
        }

        var scores = Summarise(runs) with { Losses = losses };
        WriteFiles(folder, split, pretrainingImages, model, optimizer, epochs, seeds, settings, parameters, scores);
        return scores;
    }

    /// <summary>Means over seeds, and each metric's gain averaged over seeds with the percentile interval of the
    /// per-draw averages (every evaluation of one split uses the same bootstrap draws, so the draws pair up).</summary>
    public static PretrainingScores Summarise(IReadOnlyList<(EvaluationResult Initial, EvaluationResult Trained)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        static IReadOnlyDictionary<string, double> Values(EvaluationResult result) => result.Validation.ToDictionary(m => m.Key, m => m.Value.Value, StringComparer.Ordinal);
        static IReadOnlyDictionary<string, double> Mean(IEnumerable<IReadOnlyDictionary<string, double>> all)
        {
            var list = all.ToList();
            return list[0].Keys.Where(k => list.All(d => d.ContainsKey(k))).ToDictionary(k => k, k => list.Average(d => d[k]), StringComparer.Ordinal);
        }

        var seeds = runs.Select(r => (Values(r.Initial), Values(r.Trained))).ToList();
        var gains = runs.Select(r => r.Trained.Validation.Where(m => r.Initial.Validation.ContainsKey(m.Key))
            .ToDictionary(m => m.Key, m => PairedGain.Of(m.Key, m.Value, r.Initial.Validation[m.Key]), StringComparer.Ordinal)).ToList();
        var gain = new Dictionary<string, MetricValue>(StringComparer.Ordinal);
        foreach (var metric in gains[0].Keys.Where(k => gains.All(g => g.ContainsKey(k))))
        {
            var value = gains.Average(g => g[metric].Value);
            var draws = gains[0][metric].Resamples.Count;
            if (draws >= 2 && gains.All(g => g[metric].Resamples.Count == draws))
            {
                var averaged = Enumerable.Range(0, draws).Select(b => gains.Average(g => g[metric].Resamples[b])).ToArray();
                var (low, high) = BootstrapInterval.Percentile(averaged);
                gain[metric] = new MetricValue(value, low, high) { Resamples = averaged };
            }
            else
            {
                gain[metric] = new MetricValue(value, gains.Average(g => g[metric].Low), gains.Average(g => g[metric].High));
            }
        }

        return new PretrainingScores(seeds, Mean(seeds.Select(s => s.Item1)), Mean(seeds.Select(s => s.Item2)), gain);
    }

    private static void WriteFiles(
        string folder, DataSplit split, LensDataset pretrainingImages, MaeConfig model, OptimizerConfig optimizer, int epochs,
        IReadOnlyList<long> seeds, EvaluationSettings settings, long parameters, PretrainingScores scores)
    {
        Directory.CreateDirectory(folder);
        var pool = EncoderEvaluation.ProbePool(split, settings);
        var targets = settings.Regression ? EncoderEvaluation.VaryingTruths(pool.Train) : [];
        void Images(string name, LensDataset data) => NpyFile.Write(Path.Combine(folder, name), data.Images, [data.Count, data.PixelsPerImage]);
        void Labels(string name, LensDataset data) => NpyFile.Write(Path.Combine(folder, name), data.Labels.Select(l => (double)l).ToArray(), [data.Count]);
        void Truths(string name, LensDataset data)
        {
            var values = new double[data.Count * targets.Count];
            for (var i = 0; i < data.Count; i++)
                for (var c = 0; c < targets.Count; c++)
                    values[(i * targets.Count) + c] = data.Truths!.Columns[targets[c]][i];
            NpyFile.Write(Path.Combine(folder, name), values, [data.Count, targets.Count]);
        }

        Images("images_pretraining.npy", pretrainingImages);
        Images("images_train.npy", pool.Train);
        Images("images_validation.npy", pool.Validation);
        Labels("labels_train.npy", pool.Train);
        Labels("labels_validation.npy", pool.Validation);
        Truths("truth_train.npy", pool.Train);
        Truths("truth_validation.npy", pool.Validation);

        var inputs = new Dictionary<string, object>
        {
            ["model"] = new Dictionary<string, object>
            {
                ["image_size"] = model.ImageSize, ["channels"] = model.Channels, ["patch_size"] = model.PatchSize, ["embed_dim"] = model.EmbedDim,
                ["depth"] = model.Depth, ["heads"] = model.Heads, ["decoder_dim"] = model.DecoderEmbedDim, ["decoder_depth"] = model.DecoderDepth,
                ["decoder_heads"] = model.DecoderHeads, ["mlp_ratio"] = model.MlpRatio, ["mask_ratio"] = model.MaskRatio,
                ["loss"] = MaeChoiceNames.Of(model.Loss), ["masking"] = MaeChoiceNames.Of(model.Masking), ["objective"] = MaeChoiceNames.Of(model.Objective),
            },
            ["optimizer"] = new Dictionary<string, double>
            {
                ["learning_rate"] = optimizer.LearningRate, ["weight_decay"] = optimizer.WeightDecay, ["beta1"] = optimizer.Beta1, ["beta2"] = optimizer.Beta2,
                ["batch_size"] = optimizer.BatchSize, ["warmup_epochs"] = optimizer.WarmupEpochs, ["total_epochs"] = optimizer.TotalEpochs,
            },
            ["epochs"] = epochs,
            ["seeds"] = seeds,
            ["classes"] = split.Train.ClassNames.Count,
            ["targets"] = targets,
            ["probe"] = new Dictionary<string, object>
            {
                ["pooling"] = settings.Probe.Pooling == FeaturePooling.RegionMeans ? "regions" : "mean", ["region_grid"] = settings.Probe.RegionGrid,
                ["last_layers"] = settings.Probe.LastLayers, ["l2"] = settings.Probe.L2, ["iterations"] = settings.Probe.Iterations,
                ["learning_rate"] = settings.Probe.LearningRate,
            },
            ["ridge"] = new Dictionary<string, object>
            {
                ["region_grid"] = EncoderEvaluation.RidgeFeatures(model, settings).RegionGrid, ["lambdas"] = settings.Lambdas, ["max_train_rows"] = settings.MaxRidgeTrainRows,
            },
            ["bootstrap_resamples"] = settings.BootstrapResamples,
            ["parameters"] = parameters,
            ["lenssweep"] = new Dictionary<string, object>
            {
                ["random_init"] = scores.RandomInit,
                ["pretrained"] = scores.Pretrained,
                ["gain"] = scores.Gain.ToDictionary(g => g.Key, g => new[] { g.Value.Value, g.Value.Low, g.Value.High }),
                ["seeds"] = scores.Seeds.Select((s, k) => new Dictionary<string, object>
                {
                    ["random_init"] = s.RandomInit, ["pretrained"] = s.Pretrained, ["losses"] = k < scores.Losses.Count ? scores.Losses[k] : Array.Empty<double>(),
                }),
            },
        };
        File.WriteAllText(Path.Combine(folder, EvaluationInputs.InputsFile), JsonSerializer.Serialize(inputs, new JsonSerializerOptions { WriteIndented = true }));
    }
}

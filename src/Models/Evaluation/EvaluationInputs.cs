using System.Text.Json;
using LensSweep.Models.Data;
using LensSweep.Models.Data.Npy;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;

namespace LensSweep.Models.Evaluation;

/// <summary>
/// Writes what a frozen encoder's probes fit on, as .npy files numpy reads, beside LensSweep's validation scores
/// of the same encoder, so another implementation (bench/reference/probe_reference.py: scikit-learn and PyTorch)
/// can fit the same probes and say whether a score is the method's or ours. The features are made by the same
/// calls <see cref="EncoderEvaluation.Evaluate"/> makes, each once: the probe pool, the linear probe's pooling and layers,
/// and the ridge's all-layer region features (the last block's columns last) on its train rows.
/// </summary>
/// <remarks>
/// Files: <c>probe_train.npy</c>, <c>probe_validation.npy</c> (float32 [n, d]) with <c>labels_train.npy</c>,
/// <c>labels_validation.npy</c> (float64 class indices); <c>ridge_train.npy</c>, <c>ridge_validation.npy</c>
/// (float32 [n, D]); <c>truth_train.npy</c>, <c>truth_validation.npy</c> (float64 [n, targets], NaN unknown) in
/// the order of <c>targets</c>; and <c>inputs.json</c>: <c>classes</c>, <c>targets</c>, <c>last_width</c> (the
/// last block's columns), <c>lambdas</c> (relative to the mean diagonal of the train Gram matrix),
/// <c>probe</c> (<c>l2</c>, <c>iterations</c>, <c>learning_rate</c>) and <c>lenssweep</c> (each validation score
/// LensSweep gave this encoder: <c>probe_auc</c>, <c>probe_accuracy</c>, <c>r2_*</c>).
/// </remarks>
public static class EvaluationInputs
{
    public const string InputsFile = "inputs.json";

    /// <summary>Evaluates <paramref name="model"/> as a trial's rung end does (no reconstruction) and writes the
    /// probes' inputs and its scores to <paramref name="folder"/>; returns the scores.</summary>
    public static EvaluationResult Write(string folder, MaeModel model, DataSplit data, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(folder);
        settings = settings with { Reconstruction = false };
        var pool = EncoderEvaluation.ProbePool(data, settings);
        var features = EncoderEvaluation.Features(model, pool, settings);
        var result = EncoderEvaluation.Score(features, pool, settings);

        void Features(string name, float[] values, int count, int dimension) => NpyFile.Write(Path.Combine(folder, name), values, [count, dimension]);
        void Labels(string name, LensDataset split) => NpyFile.Write(Path.Combine(folder, name), split.Labels.Select(l => (double)l).ToArray(), [split.Count]);
        Features("probe_train.npy", features.Probe.Train.Values, features.Probe.Train.Count, features.Probe.Train.Dimension);
        Features("probe_validation.npy", features.Probe.Validation.Values, features.Probe.Validation.Count, features.Probe.Validation.Dimension);
        Labels("labels_train.npy", pool.Train);
        Labels("labels_validation.npy", pool.Validation);

        var targets = features.Ridge is null ? [] : EncoderEvaluation.VaryingTruths(pool.Train);
        if (features.Ridge is { } ridge)
        {
            var rows = EncoderEvaluation.RidgeTrainRows(pool.Train.Count, settings);
            Features("ridge_train.npy", EncoderEvaluation.Rows(ridge.Train, rows), rows.Length, ridge.Train.Dimension);
            Features("ridge_validation.npy", ridge.Validation.Values, ridge.Validation.Count, ridge.Validation.Dimension);
            Truths("truth_train.npy", DataSplitter.Select(pool.Train, rows), targets);
            Truths("truth_validation.npy", pool.Validation, targets);
        }

        var inputs = new Dictionary<string, object>
        {
            ["classes"] = data.Train.ClassNames.Count,
            ["targets"] = targets,
            ["last_width"] = features.LastWidth,
            ["lambdas"] = settings.Lambdas,
            ["probe"] = new Dictionary<string, double>
            {
                ["l2"] = settings.Probe.L2, ["iterations"] = settings.Probe.Iterations, ["learning_rate"] = settings.Probe.LearningRate,
            },
            ["lenssweep"] = result.Validation.ToDictionary(m => m.Key, m => m.Value.Value),
        };
        File.WriteAllText(Path.Combine(folder, InputsFile), JsonSerializer.Serialize(inputs, new JsonSerializerOptions { WriteIndented = true }));
        return result;

        void Truths(string name, LensDataset split, IReadOnlyList<string> columns)
        {
            var values = new double[split.Count * columns.Count];
            for (var i = 0; i < split.Count; i++)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    values[(i * columns.Count) + c] = split.Truths!.Columns[columns[c]][i];
                }
            }

            NpyFile.Write(Path.Combine(folder, name), values, [split.Count, columns.Count]);
        }
    }
}

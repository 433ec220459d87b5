using LensSweep.Models.Evaluation;
using LensSweep.Models.Probing;

namespace LensSweep.Models.Finetuning;

/// <summary>One point of a ROC curve: false- and true-positive rate at a threshold.</summary>
public sealed record RocPoint(double FalsePositiveRate, double TruePositiveRate);

/// <summary>A classifier's test scores, each with its 95% bootstrap interval over the split's images.</summary>
/// <param name="Roc">Per class, its one-vs-rest ROC curve.</param>
public sealed record ClassificationScores(MetricValue Accuracy, MetricValue MacroAuc, IReadOnlyList<IReadOnlyList<RocPoint>> Roc);

/// <summary>A regression's scores in the quantity's own units, each with its 95% bootstrap interval.</summary>
public sealed record RegressionScores(MetricValue RSquared, MetricValue MeanAbsoluteError);

/// <summary>A super-resolution's scores: the mean over images of each image's <see cref="ImageQuality"/> PSNR (dB)
/// and SSIM, each with its 95% bootstrap interval over the images.</summary>
public sealed record SuperResolutionScores(MetricValue Psnr, MetricValue Ssim);

/// <summary>A score a downstream task reports, read from its scores record (<typeparamref name="TScores"/>): its key
/// in results.json, its label in the table, and which of the record's values it is.</summary>
public sealed record DownstreamMetric<TScores>(string Key, string Label, Func<TScores, MetricValue> Of);

/// <summary>
/// The one home of the downstream tasks' metrics, each task's first the one its margins compare: the keys results.json
/// writes are these and no others, and each is read from its scores record by a typed accessor, not looked up by name.
/// </summary>
public static class DownstreamMetrics
{
    public static DownstreamMetric<ClassificationScores> MacroAuc { get; } = new("macro_auc", "macro AUC", s => s.MacroAuc);

    public static DownstreamMetric<ClassificationScores> Accuracy { get; } = new("accuracy", "accuracy", s => s.Accuracy);

    public static DownstreamMetric<RegressionScores> RSquared { get; } = new("r2", "R²", s => s.RSquared);

    public static DownstreamMetric<RegressionScores> MeanAbsoluteError { get; } = new("mae", "MAE", s => s.MeanAbsoluteError);

    public static DownstreamMetric<SuperResolutionScores> Psnr { get; } = new("psnr", "PSNR (dB)", s => s.Psnr);

    public static DownstreamMetric<SuperResolutionScores> Ssim { get; } = new("ssim", "SSIM", s => s.Ssim);

    public static IReadOnlyList<DownstreamMetric<ClassificationScores>> Classification { get; } = [MacroAuc, Accuracy];

    public static IReadOnlyList<DownstreamMetric<RegressionScores>> Regression { get; } = [RSquared, MeanAbsoluteError];

    public static IReadOnlyList<DownstreamMetric<SuperResolutionScores>> SuperResolution { get; } = [Psnr, Ssim];
}

/// <summary>
/// The scores downstream tasks report, over fixed predictions: the interval is the percentile bootstrap of
/// <see cref="BootstrapInterval"/> (the held-out split's sampling noise), with the same draws for every
/// contender scored on the same split.
/// </summary>
public static class DownstreamScores
{
    /// <param name="probabilities">Row-major images × classes.</param>
    public static ClassificationScores Classification(float[] probabilities, int[] labels, int classes, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        double AccuracyOf(int[] rows) => Accuracy.Of(probabilities, labels, classes, rows);
        double AucOf(int[] rows) => RocAuc.MacroOneVsRest(Rows(probabilities, rows, classes), rows.Select(r => labels[r]).ToArray(), classes);
        var roc = Enumerable.Range(0, classes)
            .Select(c => (IReadOnlyList<RocPoint>)RocCurve(
                Enumerable.Range(0, labels.Length).Select(i => (double)probabilities[(i * classes) + c]).ToArray(),
                labels.Select(l => l == c).ToArray()))
            .ToList();
        return new ClassificationScores(Metric(labels.Length, AccuracyOf, seed), Metric(labels.Length, AucOf, seed), roc);
    }

    /// <summary>R² (about the split's own mean) and mean absolute error of <paramref name="predicted"/>.</summary>
    public static RegressionScores Regression(double[] predicted, double[] truth, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        if (predicted.Length != truth.Length)
            throw new ArgumentException($"{predicted.Length} predictions for {truth.Length} truths.", nameof(predicted));
        double R2Of(int[] rows) => Evaluation.RSquared.Of(truth, predicted, rows);
        double MaeOf(int[] rows) => rows.Length == 0 ? double.NaN : rows.Average(r => Math.Abs(predicted[r] - truth[r]));
        return new RegressionScores(Metric(truth.Length, R2Of, seed), Metric(truth.Length, MaeOf, seed));
    }

    /// <summary>PSNR and SSIM of every predicted image against its truth (both N·C·side², row-major).</summary>
    /// <exception cref="ArgumentException">The arrays are not <paramref name="count"/> images of C·side² values.</exception>
    public static SuperResolutionScores SuperResolution(float[] predicted, float[] truth, int count, int channels, int side, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        var size = channels * side * side;
        if (predicted.Length != (long)count * size || truth.Length != (long)count * size)
            throw new ArgumentException($"{count} images of {channels}×{side}×{side} are {(long)count * size} values; got {predicted.Length} predicted and {truth.Length} true.", nameof(predicted));
        var psnr = new double[count];
        var ssim = new double[count];
        Parallel.For(0, count, i =>
        {
            var p = predicted.AsSpan(i * size, size);
            var t = truth.AsSpan(i * size, size);
            psnr[i] = ImageQuality.Psnr(p, t);
            ssim[i] = ImageQuality.Ssim(p, t, channels, side);
        });
        return new SuperResolutionScores(Metric(count, rows => rows.Average(r => psnr[r]), seed), Metric(count, rows => rows.Average(r => ssim[r]), seed));
    }

    /// <summary>The ROC curve of <paramref name="scores"/> for the rows where <paramref name="positive"/> is true: from
    /// (0, 0) to (1, 1), one point per distinct score, thresholds from high to low. Empty without positives or negatives.</summary>
    public static IReadOnlyList<RocPoint> RocCurve(double[] scores, bool[] positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        var positives = positive.Count(p => p);
        var negatives = positive.Length - positives;
        if (positives == 0 || negatives == 0)
            return [];
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        var points = new List<RocPoint> { new(0, 0) };
        int truePositives = 0, falsePositives = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (positive[order[k]]) truePositives++;
            else falsePositives++;
            // Tied scores are one threshold: one point after the last of them.
            if (k + 1 == order.Length || scores[order[k + 1]] != scores[order[k]])
                points.Add(new RocPoint(falsePositives / (double)negatives, truePositives / (double)positives));
        }

        return points;
    }

    private static MetricValue Metric(int rows, Func<int[], double> statistic, int seed) =>
        BootstrapInterval.Metric(rows, statistic, seed: seed);

    private static float[] Rows(float[] probabilities, int[] rows, int classes)
    {
        var selected = new float[rows.Length * classes];
        for (var k = 0; k < rows.Length; k++)
            Array.Copy(probabilities, rows[k] * classes, selected, k * classes, classes);
        return selected;
    }
}

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
        double AccuracyOf(int[] rows) => Accuracy(Rows(probabilities, rows, classes), rows.Select(r => labels[r]).ToArray(), classes);
        double AucOf(int[] rows) => RocAuc.MacroOneVsRest(Rows(probabilities, rows, classes), rows.Select(r => labels[r]).ToArray(), classes);
        var all = Enumerable.Range(0, labels.Length).ToArray();
        var roc = Enumerable.Range(0, classes)
            .Select(c => (IReadOnlyList<RocPoint>)RocCurve(
                Enumerable.Range(0, labels.Length).Select(i => (double)probabilities[(i * classes) + c]).ToArray(),
                labels.Select(l => l == c).ToArray()))
            .ToList();
        return new ClassificationScores(Metric(all, AccuracyOf, seed), Metric(all, AucOf, seed), roc);
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
        var all = Enumerable.Range(0, truth.Length).ToArray();
        return new RegressionScores(Metric(all, R2Of, seed), Metric(all, MaeOf, seed));
    }

    /// <summary>Share of rows whose most probable class is the label (the first of equal maxima).</summary>
    public static double Accuracy(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int classes)
    {
        if (labels.Length == 0)
            return double.NaN;
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (probabilities[(i * classes) + c] > probabilities[(i * classes) + best])
                    best = c;
            }

            if (best == labels[i])
                correct++;
        }

        return correct / (double)labels.Length;
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

    private static MetricValue Metric(int[] all, Func<int[], double> statistic, int seed)
    {
        var resamples = BootstrapInterval.Resample(all.Length, statistic, seed: seed);
        var (low, high) = BootstrapInterval.Percentile(resamples);
        return new MetricValue(statistic(all), low, high) { Resamples = resamples };
    }

    private static float[] Rows(float[] probabilities, int[] rows, int classes)
    {
        var selected = new float[rows.Length * classes];
        for (var k = 0; k < rows.Length; k++)
            Array.Copy(probabilities, rows[k] * classes, selected, k * classes, classes);
        return selected;
    }
}

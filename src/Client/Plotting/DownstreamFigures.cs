using System.Globalization;
using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;
using LensSweep.Reporting.Plotting;
using ScottPlot;

namespace LensSweep.Client.Plotting;

/// <summary>The figures of <c>lenssweep finetune</c>: ROC curves of a classification, predicted against true of a regression,
/// one colour per contender in every panel.</summary>
public static class DownstreamFigures
{
    private const int Panel = 420;

    /// <summary>One panel per class: each contender's one-vs-rest test ROC curve, with its AUC in the legend.</summary>
    /// <param name="curves">Per contender (name, per class its curve and AUC).</param>
    public static Figure Roc(IReadOnlyList<(string Name, IReadOnlyList<IReadOnlyList<RocPoint>> Curves, IReadOnlyList<double> Auc)> curves, IReadOnlyList<string> classNames, string suffix)
    {
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentNullException.ThrowIfNull(classNames);
        var figure = new Multiplot();
        figure.AddPlots(classNames.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(1, classNames.Count);
        var palette = new ScottPlot.Palettes.Category10();
        var titles = new List<string>();
        for (var c = 0; c < classNames.Count; c++)
        {
            var plot = figure.GetPlot(c);
            var title = $"{classNames[c]} vs rest{suffix}";
            titles.Add(title);
            plot.Title(title, size: 13);
            plot.XLabel("false-positive rate");
            plot.YLabel("true-positive rate");
            var chance = plot.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 }, Colors.Gray);
            chance.LinePattern = LinePattern.Dashed;
            for (var k = 0; k < curves.Count; k++)
            {
                var curve = curves[k].Curves[c];
                if (curve.Count == 0)
                {
                    continue;
                }

                var line = plot.Add.ScatterLine(curve.Select(p => p.FalsePositiveRate).ToArray(), curve.Select(p => p.TruePositiveRate).ToArray(), palette.GetColor(k));
                line.LineWidth = 2;
                line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{curves[k].Name} (AUC {curves[k].Auc[c]:0.000})");
            }

            plot.Axes.SetLimits(0, 1, 0, 1.02);
            plot.ShowLegend(Alignment.LowerRight);
        }

        return new Figure(figure, classNames.Count * Panel, Panel, titles);
    }

    /// <summary>One panel per contender: its test predictions against the truth, with the diagonal, R² and MAE in the title.</summary>
    public static Figure PredictedAgainstTrue(IReadOnlyList<(string Name, double[] Predicted, RegressionScores Scores)> contenders, double[] truth, string quantity)
    {
        ArgumentNullException.ThrowIfNull(contenders);
        ArgumentNullException.ThrowIfNull(truth);
        var figure = new Multiplot();
        figure.AddPlots(contenders.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(1, contenders.Count);
        var palette = new ScottPlot.Palettes.Category10();
        var low = truth.Concat(contenders.SelectMany(c => c.Predicted)).Where(double.IsFinite).DefaultIfEmpty(0).Min();
        var high = truth.Concat(contenders.SelectMany(c => c.Predicted)).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var titles = new List<string>();
        for (var k = 0; k < contenders.Count; k++)
        {
            var (name, predicted, scores) = contenders[k];
            var plot = figure.GetPlot(k);
            var title = string.Create(CultureInfo.InvariantCulture, $"{name}: R² {scores.RSquared.Value:0.000}, MAE {scores.MeanAbsoluteError.Value:0.000}");
            titles.Add(title);
            plot.Title(title, size: 13);
            plot.XLabel($"true {quantity}");
            plot.YLabel($"predicted {quantity}");
            var diagonal = plot.Add.ScatterLine(new[] { low, high }, new[] { low, high }, Colors.Gray);
            diagonal.LinePattern = LinePattern.Dashed;
            var points = plot.Add.ScatterPoints(truth, predicted, palette.GetColor(k).WithAlpha(0.7));
            points.MarkerSize = 5;
            plot.Axes.SetLimits(low, high, low, high);
        }

        return new Figure(figure, contenders.Count * Panel, Panel, titles);
    }

    /// <summary>One row per shown test image: its input, each output (on the truth's grey scale, the first channel)
    /// and its truth; the input is drawn at its own resolution.</summary>
    /// <param name="outputs">Per row name (a contender, bilinear), its predictions of every test image (N·C·(side·factor)²).</param>
    /// <param name="shown">The test images to show, by index.</param>
    public static Figure SuperResolutionExamples(LensDataset low, LensDataset high, IReadOnlyList<(string Name, float[] Images)> outputs, IReadOnlyList<int> shown)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(shown);
        var columns = new List<string> { $"input {low.Height}×{low.Width}" };
        columns.AddRange(outputs.Select(o => o.Name));
        columns.Add($"truth {high.Height}×{high.Width}");
        var figure = InspectionFigures.Grid(shown.Count, columns.Count);
        var plane = high.Height * high.Width;
        for (var row = 0; row < shown.Count; row++)
        {
            var i = shown[row];
            var truth = high.Image(i)[..plane].ToArray();
            var range = new ScottPlot.Range(truth.Min(), truth.Max());
            var images = new List<(float[] Values, int Side)> { (low.Image(i)[..(low.Height * low.Width)].ToArray(), low.Height) };
            images.AddRange(outputs.Select(o => (o.Images.AsSpan(i * high.PixelsPerImage, plane).ToArray(), high.Height)));
            images.Add((truth, high.Height));
            for (var column = 0; column < columns.Count; column++)
            {
                var plot = figure.GetPlot((row * columns.Count) + column);
                InspectionFigures.Image(plot, images[column].Values, images[column].Side, range, new ScottPlot.Colormaps.Grayscale());
                plot.Title(row == 0 ? columns[column] : "", size: 12);
                if (column == 0)
                    plot.YLabel(InspectionFigures.ClassName(low.ClassNames, low.Labels[i]), size: 12);
            }
        }

        return new Figure(figure, columns.Count * 180, Math.Max(1, shown.Count) * 180, columns);
    }
}

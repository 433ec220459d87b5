using System.Globalization;
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
}

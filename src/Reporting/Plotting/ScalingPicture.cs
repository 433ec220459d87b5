using LensSweep.Grains.Specs;
using ScottPlot;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Plotting;

/// <summary>
/// The answer to a scaling study in one figure: the study's score against each searched hyperparameter (every
/// trial as a point, a line through the best per value), and score against compute with its Pareto front; a dashed line
/// marks what no pretraining gives (raw pixels, or zero for a gain).
/// </summary>
public static class ScalingPicture
{
    public const string ComputePanelTitle = "score vs compute";

    private const int PanelWidth = 420;
    private const int PanelHeight = 340;
    private const int MaxColumns = 3;

    /// <summary>The title of the panel for one searched hyperparameter.</summary>
    public static string PanelTitle(string parameter) => $"score vs {parameter}";

    public static Figure Draw(StudyResults results)
    {
        var titles = results.SearchedParameters.Select(PanelTitle).Append(ComputePanelTitle).ToList();
        var columns = Math.Min(MaxColumns, titles.Count);
        var rows = (titles.Count + columns - 1) / columns;
        var figure = new Multiplot();
        figure.AddPlots(titles.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);

        var scored = results.Trials.Where(t => t.Latest is not null).ToList();
        var axes = StudyAxis.Of(results);
        for (var i = 0; i < axes.Count; i++)
        {
            DrawParameterPanel(figure.GetPlot(i), axes[i], scored, results);
        }

        DrawComputePanel(figure.GetPlot(titles.Count - 1), results);
        return new Figure(figure, columns * PanelWidth, rows * PanelHeight, titles);
    }

    private static void DrawParameterPanel(Plot plot, StudyAxis axis, IReadOnlyList<TrialTrajectory> trials, StudyResults results)
    {
        var (parameter, metric) = (axis.Name, results.Study.Metric);
        plot.Title(PanelTitle(parameter));
        plot.XLabel(parameter);
        plot.YLabel(metric);
        var points = trials
            .Select(t => (Value: t.ValueOf(parameter), Score: t.Latest!.Score))
            .Where(p => p.Value is not null)
            .Select(p => (Value: p.Value!.Value, p.Score))
            .ToList();
        if (points.Count == 0)
        {
            plot.Add.Annotation("no finished rungs yet");
            return;
        }

        double[] xs;
        if (axis.Kind != Grains.Importance.AxisKind.Categorical)
        {
            xs = points.Select(p => AxisScale.Place(p.Value.Number!.Value, axis.IsLog)).ToArray();
            if (axis.IsLog)
            {
                AxisScale.UseLogLabels(plot.Axes.Bottom);
            }
        }
        else
        {
            // Named choices get one evenly spaced position each, labelled with the choice.
            xs = points.Select(p => axis.Code(p.Value)).ToArray();
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, axis.Choices.Count).Select(i => (double)i).ToArray(), [.. axis.Choices]);
        }

        var ys = points.Select(p => p.Score).ToArray();
        var all = plot.Add.ScatterPoints(xs, ys, Colors.SteelBlue.WithAlpha(0.55));
        all.MarkerSize = 6;
        all.LegendText = "every trial";

        var best = xs.Zip(ys).GroupBy(p => p.First).OrderBy(g => g.Key)
            .Select(g => (X: g.Key, Y: g.Max(p => p.Second))).ToList();
        var line = plot.Add.ScatterLine(best.Select(b => b.X).ToArray(), best.Select(b => b.Y).ToArray(), Colors.OrangeRed);
        line.LineWidth = 2;
        line.MarkerSize = 7;
        line.LegendText = "best per value";
        NoPretraining.DrawLine(plot, results, MetricNames.Parse(metric));
        plot.ShowLegend(Alignment.LowerRight);
    }

    private static void DrawComputePanel(Plot plot, StudyResults results)
    {
        var (trials, metric) = (results.Trials, results.Study.Metric);
        plot.Title(ComputePanelTitle);
        plot.YLabel(metric);
        var rungs = trials.SelectMany(t => t.Rungs).ToList();
        if (rungs.Count == 0)
        {
            plot.Add.Annotation("no finished rungs yet");
            return;
        }

        // FLOPs compare across machines; seconds are the fallback when the trainer did not count FLOPs.
        var useFlops = rungs.All(r => r.Flops is > 0);
        plot.XLabel(useFlops ? "training FLOPs" : "training seconds");
        var compute = rungs.Select(r => useFlops ? r.Flops!.Value : Math.Max(r.Seconds, 1e-3)).ToList();
        var log = AxisScale.PrefersLog(useFlops ? "flops" : "seconds", compute);
        if (log)
        {
            AxisScale.UseLogLabels(plot.Axes.Bottom);
        }

        var xs = compute.Select(c => AxisScale.Place(c, log)).ToArray();
        var ys = rungs.Select(r => r.Score).ToArray();
        var all = plot.Add.ScatterPoints(xs, ys, Colors.SteelBlue.WithAlpha(0.55));
        all.MarkerSize = 6;
        all.LegendText = "every rung result";

        var front = ParetoFront.Of(compute.Zip(ys));
        var frontLine = plot.Add.ScatterLine(
            front.Select(p => AxisScale.Place(p.Compute, log)).ToArray(),
            front.Select(p => p.Score).ToArray(),
            Colors.OrangeRed);
        frontLine.ConnectStyle = ConnectStyle.StepHorizontal;
        frontLine.LineWidth = 2;
        frontLine.MarkerSize = 7;
        frontLine.LegendText = "Pareto front";
        NoPretraining.DrawLine(plot, results, MetricNames.Parse(metric));
        plot.ShowLegend(Alignment.LowerRight);
    }
}

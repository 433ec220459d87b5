using LensSweep.Grains.Specs;
using ScottPlot;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Plotting;

/// <summary>
/// ASHA at work: each trial's score at the end of every rung against its epochs, from its untrained encoder
/// at epoch 0, with the score's 95% interval as an error bar. Trials ASHA stopped end early (grey, with a
/// cross); trials promoted to the full budget run to the right edge. A dashed line marks what no pretraining
/// gives: raw pixels for an evaluation, zero for a gain over random init.
/// </summary>
public static class TrajectoryPlot
{
    public const string Title = "ASHA trajectories";

    private const int Width = 900;
    private const int Height = 520;

    public static Figure Draw(StudyResults results)
    {
        var plot = new Plot();
        plot.Title(Title);
        plot.XLabel("pretraining epochs");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(results.Study.Metric);

        var metric = MetricNames.Parse(results.Study.Metric);
        var legendShown = new HashSet<string>();
        foreach (var trial in results.Trials.Where(t => t.Rungs.Count > 0).OrderBy(t => t.TrialId, StringComparer.Ordinal))
        {
            var points = trial.ScorePoints(metric);
            var (color, label, endMarker) = Style(trial.State);
            var line = plot.Add.ScatterLine(points.Select(p => (double)p.Epochs).ToArray(), points.Select(p => p.Score).ToArray(), color);
            line.LineWidth = trial.State == TrialPhase.Completed ? 2 : 1.2f;
            line.MarkerSize = 5;
            if (legendShown.Add(label))
            {
                line.LegendText = label;
            }

            var bounded = points.Where(p => double.IsFinite(p.Low) && double.IsFinite(p.High)).ToList();
            if (bounded.Count > 0)
            {
                var bars = plot.Add.ErrorBar(bounded.Select(p => (double)p.Epochs).ToArray(), bounded.Select(p => p.Score).ToArray(), bounded.Select(_ => 0.0).ToArray());
                bars.YErrorPositive = bounded.Select(p => p.High - p.Score).ToArray();
                bars.YErrorNegative = bounded.Select(p => p.Score - p.Low).ToArray();
                bars.Color = color.WithAlpha(0.6);
            }

            if (endMarker is { } shape)
            {
                var end = plot.Add.Marker(points[^1].Epochs, points[^1].Score, shape, 10, color);
                end.LineWidth = 2;
            }
        }

        if (legendShown.Count > 0)
        {
            NoPretraining.DrawLine(plot, results, metric);
        }

        if (legendShown.Count == 0)
        {
            plot.Add.Annotation("no finished rungs yet");
        }
        else
        {
            plot.ShowLegend(Alignment.LowerRight);
        }

        return new Figure(new Multiplot(plot), Width, Height, [Title]);
    }

    private static (Color Color, string Label, MarkerShape? EndMarker) Style(TrialPhase state) => state switch
    {
        TrialPhase.Completed => (Colors.SeaGreen, "completed", null),
        TrialPhase.Stopped => (Colors.Gray, "stopped by ASHA", MarkerShape.Cross),
        TrialPhase.Failed => (Colors.Crimson, "failed", MarkerShape.Eks),
        _ => (Colors.SteelBlue, "still training", MarkerShape.OpenCircle),
    };
}

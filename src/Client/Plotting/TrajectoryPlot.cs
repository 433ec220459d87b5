using LensSweep.Client.Studies;
using ScottPlot;

namespace LensSweep.Client.Plotting;

/// <summary>
/// ASHA at work: each trial's probe score at the end of every rung against its epochs. Trials ASHA stopped
/// end early (grey, with a cross); trials promoted to the full budget run to the right edge.
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

        var legendShown = new HashSet<string>();
        foreach (var trial in results.Trials.Where(t => t.Rungs.Count > 0).OrderBy(t => t.TrialId, StringComparer.Ordinal))
        {
            var rungs = trial.Rungs.OrderBy(r => r.Rung).ToList();
            var (color, label, endMarker) = Style(trial.State);
            var line = plot.Add.ScatterLine(
                rungs.Select(r => (double)r.Epochs).ToArray(),
                rungs.Select(r => r.Score).ToArray(),
                color);
            line.LineWidth = trial.State == TrialState.Completed ? 2 : 1.2f;
            line.MarkerSize = 5;
            if (legendShown.Add(label))
            {
                line.LegendText = label;
            }

            if (endMarker is { } shape)
            {
                var end = plot.Add.Marker(rungs[^1].Epochs, rungs[^1].Score, shape, 10, color);
                end.LineWidth = 2;
            }
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

    private static (Color Color, string Label, MarkerShape? EndMarker) Style(TrialState state) => state switch
    {
        TrialState.Completed => (Colors.SeaGreen, "completed", null),
        TrialState.Stopped => (Colors.Gray, "stopped by ASHA", MarkerShape.Cross),
        TrialState.Failed => (Colors.Crimson, "failed", MarkerShape.Eks),
        _ => (Colors.SteelBlue, "still training", MarkerShape.OpenCircle),
    };
}

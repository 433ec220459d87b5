using LensSweep.Grains.Specs;
using ScottPlot;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Plotting;

/// <summary>The level a score must beat to show that pretraining did anything, drawn as a dashed line on every score axis.</summary>
public static class NoPretraining
{
    /// <summary>What no pretraining gives on the plot's scale: 0 for a gain, raw pixels' value for an evaluation.</summary>
    public static (double Value, string Label)? Level(StudyResults results, MetricName metric)
    {
        if (metric.IsGain)
        {
            return (0, "untrained encoder (gain 0)");
        }

        if (results.PixelBaseline is { } pixels && MetricNames.Read(pixels, metric.Evaluation).Value is var value && double.IsFinite(value))
        {
            return (value, "raw pixels");
        }

        return null;
    }

    public static void DrawLine(Plot plot, StudyResults results, MetricName metric)
    {
        ArgumentNullException.ThrowIfNull(plot);
        if (Level(results, metric) is { } level)
        {
            var line = plot.Add.HorizontalLine(level.Value, 1.5f, Colors.DimGray, LinePattern.Dashed);
            line.LegendText = level.Label;
        }
    }
}

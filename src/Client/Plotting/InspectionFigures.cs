using LensSweep.Models.Inspection;
using ScottPlot;
using LensSweep.Reporting.Plotting;

namespace LensSweep.Client.Plotting;

/// <summary>The figures of <c>lenssweep inspect</c>: masked reconstructions, attention maps and the PCA embedding.</summary>
public static class InspectionFigures
{
    public const string InputTitle = "input";
    public const string MaskedTitle = "visible (hidden: blue)";
    public const string ReconstructionTitle = "reconstruction";
    public const string HeadMeanTitle = "mean of heads";

    private const int Cell = 180;
    private static readonly Color Hidden = Colors.SteelBlue;

    /// <summary>One row per image: the input, what the encoder saw, and the decoder's reconstruction of every patch,
    /// the last two on the input's grey scale.</summary>
    public static Figure Reconstructions(IReadOnlyList<ReconstructionSample> samples, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(samples);
        string[] columns = [InputTitle, MaskedTitle, ReconstructionTitle];
        var figure = Grid(samples.Count, columns.Length);
        for (var row = 0; row < samples.Count; row++)
        {
            var s = samples[row];
            var range = new ScottPlot.Range(s.Input.Min(), s.Input.Max());
            float[][] images = [s.Input, s.Masked, s.Reconstruction];
            for (var column = 0; column < columns.Length; column++)
            {
                var plot = figure.GetPlot((row * columns.Length) + column);
                Image(plot, images[column], s.Size, range, new ScottPlot.Colormaps.Grayscale());
                plot.Title(row == 0 ? columns[column] : "", size: 12);
                if (column == 0)
                {
                    plot.YLabel(ClassName(classNames, s.Label), size: 12);
                }
            }
        }

        return new Figure(figure, columns.Length * Cell, samples.Count * Cell, columns);
    }

    /// <summary>One row per image: the input, then each head's map of the last block's attention over the patch grid
    /// and their mean (what the CLS token attends to with <paramref name="clsToken"/>, else the mean attention each patch receives).</summary>
    public static Figure Attention(IReadOnlyList<AttentionSample> samples, IReadOnlyList<string> classNames, bool clsToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var maps = samples.Count == 0 ? 0 : samples[0].Heads.Count;
        var columns = new List<string> { InputTitle };
        columns.AddRange(Enumerable.Range(1, maps - 1).Select(h => $"head {h}"));
        columns.Add(HeadMeanTitle);
        var figure = Grid(samples.Count, columns.Count);
        for (var row = 0; row < samples.Count; row++)
        {
            var s = samples[row];
            var input = figure.GetPlot(row * columns.Count);
            Image(input, s.Input, s.Size, new ScottPlot.Range(s.Input.Min(), s.Input.Max()), new ScottPlot.Colormaps.Grayscale());
            input.YLabel(ClassName(classNames, s.Label), size: 12);
            for (var m = 0; m < maps; m++)
            {
                var map = s.Heads[m];
                Image(figure.GetPlot((row * columns.Count) + 1 + m), map, s.Grid, new ScottPlot.Range(map.Min(), map.Max()), new ScottPlot.Colormaps.Inferno());
            }

            for (var column = 0; column < columns.Count; column++)
            {
                figure.GetPlot((row * columns.Count) + column).Title(row == 0 ? columns[column] : "", size: 12);
            }
        }

        return new Figure(figure, columns.Count * Cell, Math.Max(1, samples.Count) * Cell, columns);
    }

    /// <summary>The images' pooled features on their first two principal components, one colour per class.</summary>
    public static Figure Embedding(PcaProjection projection, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string title)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(labels);
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel($"PC 1 ({projection.ExplainedVariance[0]:P0} of the variance)");
        plot.YLabel($"PC 2 ({projection.ExplainedVariance[1]:P0})");
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var label in labels.Distinct().Order())
        {
            var points = Enumerable.Range(0, projection.Count).Where(i => labels[i] == label).ToList();
            var scatter = plot.Add.ScatterPoints(
                points.Select(i => projection.At(i, 0)).ToArray(),
                points.Select(i => projection.At(i, 1)).ToArray(),
                palette.GetColor(label).WithAlpha(0.7));
            scatter.MarkerSize = 6;
            scatter.LegendText = $"{ClassName(classNames, label)} ({points.Count})";
        }

        plot.ShowLegend(Alignment.UpperRight);
        return new Figure(new Multiplot(plot), 760, 600, [title]);
    }

    internal static Multiplot Grid(int rows, int columns)
    {
        var figure = new Multiplot();
        figure.AddPlots(Math.Max(1, rows) * columns);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(Math.Max(1, rows), columns);
        return figure;
    }

    /// <summary>A Side×Side row-major image as a heatmap, row 0 at the top, without axes.</summary>
    internal static void Image(Plot plot, float[] values, int side, ScottPlot.Range range, IColormap colormap)
    {
        var cells = new double[side, side];
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                cells[y, x] = values[(y * side) + x];
            }
        }

        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = colormap;
        heatmap.NaNCellColor = Hidden;
        if (range.Max > range.Min)
        {
            heatmap.ManualRange = range;
        }

        plot.Axes.Frameless();
        plot.HideGrid();
    }

    internal static string ClassName(IReadOnlyList<string> classNames, int label) =>
        label >= 0 && label < classNames.Count ? classNames[label] : $"class {label}";
}

using System.Globalization;
using LensSweep.Grains.Importance;
using LensSweep.Grains.Scheduling;
using ScottPlot;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Plotting;

namespace LensSweep.Client.Plotting;

/// <summary>
/// Every trial across the searched hyperparameters: one vertical axis per hyperparameter and a last one for the
/// score, each trial a line through its values, coloured by its score (yellow best, purple worst, whichever way
/// the study's mode points). Choices sit evenly spaced on their axis, log axes are drawn in log10, and every
/// axis spans the values the trials tried. Scores are read at the rung the importance estimate reads them at.
/// </summary>
public static class ParallelCoordinates
{
    public const string Title = "parallel coordinates";

    private const int AxisSpacing = 170;
    private const int MinWidth = 720;
    private const int Height = 540;
    private const int NumericTicks = 5;

    /// <summary>An axis with at most this many tried values labels each of them.</summary>
    private const int FewValues = 6;

    public static Figure Draw(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var plot = new Plot();
        var axes = StudyAxis.Of(results);
        var rung = StudyImportance.ScoringRung(results);
        var lines = rung is { } r
            ? results.Trials
                .Select(t => (Values: axes.Select(a => t.ValueOf(a.Name)).ToList(), Score: StudyImportance.ScoreAt(t, r)))
                .Where(t => t.Score is not null && t.Values.All(v => v is not null))
                .Select(t => (Codes: axes.Select((a, i) => a.Code(t.Values[i]!.Value)).ToArray(), Score: t.Score!.Value))
                .ToList()
            : [];
        var width = Math.Max(MinWidth, AxisSpacing * (axes.Count + 1));
        plot.Title(lines.Count == 0 ? Title : string.Create(CultureInfo.InvariantCulture, $"{Title}: {lines.Count} trials at {StudyImportance.RungName(results, rung!.Value)}"));
        if (lines.Count == 0)
        {
            plot.Add.Annotation("no finished rungs yet");
            return new Figure(new Multiplot(plot), width, Height, [Title]);
        }

        var scales = axes.Select((a, i) => AxisPlacement.Of(a, lines.Select(l => l.Codes[i]).ToList())).ToList();
        var score = AxisPlacement.Of(new StudyAxis(results.Study.Metric, AxisKind.Continuous, []), lines.Select(l => l.Score).ToList());
        var colormap = new ScottPlot.Colormaps.Viridis();

        // Worst first, so the best trials are drawn on top.
        var better = results.Study.Mode == MetricMode.Max ? 1 : -1;
        foreach (var line in lines.OrderBy(l => better * l.Score))
        {
            var ys = scales.Select((s, i) => s.Position(line.Codes[i])).Append(score.Position(line.Score)).ToArray();
            var xs = Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray();
            var fraction = score.Position(line.Score);
            var drawn = plot.Add.ScatterLine(xs, ys, colormap.GetColor(better > 0 ? fraction : 1 - fraction).WithAlpha(0.8));
            drawn.LineWidth = 1.5f;
            drawn.MarkerSize = 0;
        }

        var all = scales.Append(score).ToList();
        for (var i = 0; i < all.Count; i++)
        {
            var axisLine = plot.Add.ScatterLine(new double[] { i, i }, new double[] { 0, 1 }, Colors.Black);
            axisLine.LineWidth = 1.5f;
            axisLine.MarkerSize = 0;
            foreach (var (position, label) in all[i].Ticks())
            {
                var text = plot.Add.Text(label, i, position);
                text.LabelFontSize = 11;
                text.LabelAlignment = Alignment.MiddleLeft;
                text.OffsetX = 4;
            }
        }

        var names = axes.Select(a => a.IsLog ? $"{a.Name} (log)" : a.Name).Append($"{results.Study.Metric} (colour)").ToArray();
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, names.Length).Select(i => (double)i).ToArray(), names);
        plot.Axes.Left.SetTicks([], []);
        plot.Axes.SetLimits(-0.25, all.Count - 0.4, -0.06, 1.06);
        plot.HideGrid();
        return new Figure(new Multiplot(plot), width, Height, [Title]);
    }

    /// <summary>Where a value sits on its vertical axis: 0 at the bottom, 1 at the top; one value alone sits in the middle.</summary>
    /// <param name="Tried">The distinct values the trials tried, placed, ascending.</param>
    private sealed record AxisPlacement(StudyAxis Axis, double Low, double High, IReadOnlyList<double> Tried)
    {
        public static AxisPlacement Of(StudyAxis axis, IReadOnlyList<double> codes)
        {
            var placed = codes.Select(c => Place(axis, c)).Distinct().Order().ToList();
            return axis.Kind == AxisKind.Categorical
                ? new AxisPlacement(axis, 0, axis.Choices.Count - 1, placed)
                : new AxisPlacement(axis, placed[0], placed[^1], placed);
        }

        public double Position(double code) => High > Low ? (Place(Axis, code) - Low) / (High - Low) : 0.5;

        /// <summary>Labels along the axis: every choice; a few tried values each; otherwise the ends of the axis with the
        /// decades between (log) or evenly spaced numbers between.</summary>
        public IEnumerable<(double Position, string Label)> Ticks()
        {
            if (Axis.Kind == AxisKind.Categorical)
            {
                return Axis.Choices.Select((c, i) => (Position(i), c));
            }

            if (High <= Low)
            {
                return [(0.5, Number(Axis.IsLog ? Math.Pow(10, Low) : Low))];
            }

            if (Tried.Count <= FewValues)
            {
                return Tried.Select(v => (Position(Axis.IsLog ? Math.Pow(10, v) : v), Number(Axis.IsLog ? Math.Pow(10, v) : v)));
            }

            if (Axis.IsLog)
            {
                // Decades too close to an end would print over the end's label.
                var decades = Enumerable.Range((int)Math.Ceiling(Low), Math.Max(0, (int)Math.Floor(High) - (int)Math.Ceiling(Low) + 1))
                    .Select(e => (Position: (e - Low) / (High - Low), Label: AxisScale.DecadeLabel(e)))
                    .Where(d => d.Position is > 0.06 and < 0.94);
                return decades.Prepend((0.0, Number(Math.Pow(10, Low)))).Append((1.0, Number(Math.Pow(10, High))));
            }

            var values = Enumerable.Range(0, NumericTicks).Select(k => Low + ((High - Low) * k / (NumericTicks - 1)));
            if (Axis.Kind == AxisKind.Integer)
            {
                values = values.Select(v => Math.Round(v)).Distinct();
            }

            return values.Select(v => ((v - Low) / (High - Low), Number(v)));
        }

        private static double Place(StudyAxis axis, double code) => axis.IsLog ? Math.Log10(code) : code;

        private static string Number(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
    }
}

using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LensSweep.Reporting.Plotting;

/// <summary>Chooses linear or log10 placement for an axis and draws log axes with labels in the original units.</summary>
public static class AxisScale
{
    /// <summary>
    /// Learning rates and weight decays are searched over decades, and compute spans orders of magnitude;
    /// on a linear axis all but the largest values would collapse onto the left edge.
    /// </summary>
    private const double DecadeSpan = 20;

    public static bool PrefersLog(string name, IReadOnlyCollection<double> values)
    {
        if (values.Count == 0 || values.Any(v => v <= 0 || !double.IsFinite(v)))
        {
            return false;
        }

        var looksLikeRate = name.Contains("lr", StringComparison.OrdinalIgnoreCase)
            || name.Contains("learning_rate", StringComparison.OrdinalIgnoreCase)
            || name.Contains("decay", StringComparison.OrdinalIgnoreCase);
        return looksLikeRate || values.Max() / values.Min() >= DecadeSpan;
    }

    public static double Place(double value, bool log) => log ? Math.Log10(value) : value;

    /// <summary>Plain numbers near 1 (0.001 … 1000), <c>1e9</c> style beyond, where plain digits get too long to read.</summary>
    public static string DecadeLabel(double exponent)
    {
        var rounded = (int)Math.Round(exponent);
        return Math.Abs(rounded) <= 3
            ? Math.Pow(10, rounded).ToString("0.###", CultureInfo.InvariantCulture)
            : $"1e{rounded.ToString(CultureInfo.InvariantCulture)}";
    }

    public static void UseLogLabels(IAxis axis)
    {
        axis.TickGenerator = new NumericAutomatic
        {
            LabelFormatter = DecadeLabel,
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
        };
    }
}

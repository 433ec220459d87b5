using ScottPlot;
using SkiaSharp;

namespace LensSweep.Reporting.Plotting;

/// <summary>A finished multi-panel figure with the pixel size it is meant to be saved at.</summary>
/// <param name="PanelTitles">The title of each panel, in drawing order.</param>
public sealed record Figure(Multiplot Panels, int Width, int Height, IReadOnlyList<string> PanelTitles)
{
    /// <summary>
    /// ScottPlot's own SVG export is per plot; a multi-panel figure is drawn straight onto Skia's SVG canvas,
    /// which keeps text as &lt;text&gt; elements (searchable, and checked by the tests). The console's .svg files
    /// and the study page's figures are this one drawing.
    /// </summary>
    public string ToSvg()
    {
        using var buffer = new MemoryStream();
        using (var stream = new SKManagedWStream(buffer))
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), stream))
        {
            Panels.Render(canvas, new PixelRect(0, Width, Height, 0));
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

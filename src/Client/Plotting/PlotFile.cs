using ScottPlot;
using SkiaSharp;

namespace LensSweep.Client.Plotting;

/// <summary>Writes a figure as PNG or SVG, chosen by the file's extension.</summary>
public static class PlotFile
{
    public static readonly IReadOnlyList<string> Extensions = [".png", ".svg"];

    public static bool IsSupported(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    public static void Save(Figure figure, string path)
    {
        if (!IsSupported(path))
        {
            throw new CliInputException(
                $"cannot write a plot to '{path}': the file name must end in .png or .svg",
                "Pass --out with a .png or .svg file name, e.g. --out scaling.png.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        if (string.Equals(Path.GetExtension(path), ".svg", StringComparison.OrdinalIgnoreCase))
        {
            File.WriteAllText(path, ToSvg(figure));
        }
        else
        {
            figure.Panels.SavePng(path, figure.Width, figure.Height);
        }
    }

    /// <summary>
    /// ScottPlot's own SVG export is per plot; a multi-panel figure is drawn straight onto Skia's SVG canvas,
    /// which keeps text as &lt;text&gt; elements (searchable, and checked by the tests).
    /// </summary>
    public static string ToSvg(Figure figure)
    {
        using var buffer = new MemoryStream();
        using (var stream = new SKManagedWStream(buffer))
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, figure.Width, figure.Height), stream))
        {
            figure.Panels.Render(canvas, new PixelRect(0, figure.Width, figure.Height, 0));
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

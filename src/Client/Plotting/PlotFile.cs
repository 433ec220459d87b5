using LensSweep.Reporting.Plotting;
using ScottPlot;

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
            File.WriteAllText(path, figure.ToSvg());
        }
        else
        {
            figure.Panels.SavePng(path, figure.Width, figure.Height);
        }
    }
}

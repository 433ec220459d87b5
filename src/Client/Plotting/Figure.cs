using ScottPlot;

namespace LensSweep.Client.Plotting;

/// <summary>A finished multi-panel figure with the pixel size it is meant to be saved at.</summary>
/// <param name="PanelTitles">The title of each panel, in drawing order.</param>
public sealed record Figure(Multiplot Panels, int Width, int Height, IReadOnlyList<string> PanelTitles);

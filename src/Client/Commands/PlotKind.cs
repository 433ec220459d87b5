namespace LensSweep.Client.Commands;

/// <summary>Which figure <c>study plot</c> draws.</summary>
internal enum PlotKind
{
    Scaling,
    Trajectories,
    Parallel,
}

namespace LensSweep.Models.Data;

/// <summary>How far a load has got: files (or images) done out of the total for the current stage.</summary>
public readonly record struct LoadProgress(string Stage, int Done, int Total);

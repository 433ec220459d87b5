namespace LensSweep.Models.Simulation;

/// <summary>The simulator's classes, in their canonical label order.</summary>
public static class LensClasses
{
    public const string NoSubstructure = "no_sub";
    public const string Cdm = "cdm";
    public const string Axion = "axion";

    public static IReadOnlyList<string> All { get; } = [NoSubstructure, Cdm, Axion];

    /// <summary>The class's fixed id, which (with seed and index) keys each image's generator.</summary>
    internal static int IdOf(string className) => className switch
    {
        NoSubstructure => 0,
        Cdm => 1,
        Axion => 2,
        _ => throw new ArgumentException(
            $"Unknown simulator class '{className}'; the simulator knows {string.Join(", ", All)}.", nameof(className)),
    };
}

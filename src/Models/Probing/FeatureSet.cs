namespace LensSweep.Models.Probing;

/// <summary>Row-major Count×Dimension features with one label per row, the probe's input.</summary>
public sealed record FeatureSet(float[] Values, int[] Labels, int Count, int Dimension, int ClassCount)
{
    internal void Check(string name)
    {
        if (Count <= 0) throw new ArgumentException($"Feature set '{name}' is empty.", name);
        if (Values.Length != (long)Count * Dimension)
            throw new ArgumentException($"Feature set '{name}' holds {Values.Length} values, not Count·Dimension = {(long)Count * Dimension}.", name);
        if (Labels.Length != Count)
            throw new ArgumentException($"Feature set '{name}' has {Labels.Length} labels for {Count} rows.", name);
        foreach (var label in Labels)
            if (label < 0 || label >= ClassCount)
                throw new ArgumentException($"Feature set '{name}' has label {label} outside 0..{ClassCount - 1}.", name);
    }
}

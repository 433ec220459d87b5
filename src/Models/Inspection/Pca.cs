using static TorchSharp.torch;

namespace LensSweep.Models.Inspection;

/// <summary>Points projected on their leading principal components.</summary>
/// <param name="Coordinates">Count × Components, row-major.</param>
/// <param name="ExplainedVariance">The fraction of the total variance each component carries.</param>
public sealed record PcaProjection(double[] Coordinates, int Count, int Components, IReadOnlyList<double> ExplainedVariance)
{
    public double At(int point, int component) => Coordinates[(point * Components) + component];
}

/// <summary>Principal component analysis by a thin SVD of the centred data (in float64).</summary>
public static class Pca
{
    /// <param name="rows">Count × Dimension values, row-major.</param>
    public static PcaProjection Project(float[] rows, int count, int dimension, int components = 2)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length != count * dimension)
            throw new ArgumentException($"{rows.Length} values are not {count} rows of {dimension}.", nameof(rows));
        if (components < 1 || components > Math.Min(count, dimension))
            throw new ArgumentOutOfRangeException(nameof(components), components, $"PCA of {count} points in {dimension} dimensions has 1 to {Math.Min(count, dimension)} components.");

        using var scope = NewDisposeScope();
        var x = tensor(rows, [count, dimension]).to(ScalarType.Float64);
        var centred = x - x.mean([0], keepdim: true);
        var (u, s, _) = linalg.svd(centred, fullMatrices: false);
        var variance = s.square();
        var total = variance.sum().item<double>();
        var explained = Enumerable.Range(0, components).Select(i => total > 0 ? variance[i].item<double>() / total : 0).ToArray();
        var projected = (u.narrow(1, 0, components) * s.narrow(0, 0, components)).contiguous();
        return new PcaProjection(projected.data<double>().ToArray(), count, components, explained);
    }
}

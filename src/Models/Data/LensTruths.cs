namespace LensSweep.Models.Data;

/// <summary>
/// The physical truth behind each image, one column per quantity (NaN where an image has none), kept with
/// its images through every split, subset and pool so a regression probe can be scored on it.
/// </summary>
public sealed record LensTruths(IReadOnlyDictionary<string, double[]> Columns)
{
    /// <summary>Einstein radius of the main lens (arcsec).</summary>
    public const string ThetaE = "theta_e";
    public const string E1 = "e1";
    public const string E2 = "e2";
    public const string Gamma1 = "gamma1";
    public const string Gamma2 = "gamma2";
    public const string SourceX = "source_x";
    public const string SourceY = "source_y";

    /// <summary>Subhalos in the image (cdm; 0 for no_sub).</summary>
    public const string SubhaloCount = "subhalo_count";

    /// <summary>The vortex's axion mass in eV (axion only).</summary>
    public const string AxionMass = "axion_mass";

    /// <summary>The seven macro-lens quantities whose mean R² is <c>r2_macro</c>.</summary>
    public static IReadOnlyList<string> Macro { get; } = [ThetaE, E1, E2, Gamma1, Gamma2, SourceX, SourceY];

    /// <summary>Every quantity a dataset may carry, in this order in files and reports.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Macro, SubhaloCount, AxionMass];

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public LensTruths Select(IReadOnlyList<int> indices) =>
        new(Columns.ToDictionary(c => c.Key, c => indices.Select(i => c.Value[i]).ToArray(), StringComparer.Ordinal));

    /// <summary>These rows followed by <paramref name="other"/>'s; a column one side lacks is NaN there.</summary>
    public LensTruths Concat(LensTruths other, int count, int otherCount) =>
        new(Columns.Keys.Union(other.Columns.Keys).ToDictionary(
            name => name,
            name => (Columns.TryGetValue(name, out var a) ? a : Enumerable.Repeat(double.NaN, count).ToArray())
                .Concat(other.Columns.TryGetValue(name, out var b) ? b : Enumerable.Repeat(double.NaN, otherCount)).ToArray(),
            StringComparer.Ordinal));
}

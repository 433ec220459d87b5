namespace LensSweep.Models.Simulation;

/// <summary>
/// Every random choice behind one simulated image. Rendering a scene is deterministic, so a test (or a
/// study that wants matched pairs) can render the same macro model with and without its substructure.
/// </summary>
/// <param name="ClassName">no_sub, cdm or axion.</param>
/// <param name="LensLight">The lens galaxy's light, or null for none.</param>
/// <param name="Substructure">Subhalos or vortex elements; empty for no_sub.</param>
/// <param name="AxionMass">The vortex's axion mass in eV (axion only): the regression label DeepLense stores.</param>
/// <param name="NoiseSeed">Seeds the pixel noise, so the noise too is part of the scene.</param>
public sealed record LensScene(
    string ClassName,
    SieLens MainLens,
    ExternalShear Shear,
    SersicProfile Source,
    SersicProfile? LensLight,
    IReadOnlyList<PointMass> Substructure,
    double? AxionMass,
    ulong NoiseSeed);

/// <summary>Singular isothermal ellipsoid at the origin (lenstronomy SIE, product-average θ_E).</summary>
public readonly record struct SieLens(double EinsteinRadius, double E1, double E2);

/// <summary>External shear about the origin.</summary>
public readonly record struct ExternalShear(double Gamma1, double Gamma2);

/// <summary>Elliptical Sérsic light profile; <see cref="Amplitude"/> is the surface brightness at R = Radius.</summary>
public readonly record struct SersicProfile(double Amplitude, double Radius, double Index, double E1, double E2, double CenterX, double CenterY);

/// <summary>A point mass (subhalo or vortex element) by its Einstein radius.</summary>
public readonly record struct PointMass(double X, double Y, double EinsteinRadius);

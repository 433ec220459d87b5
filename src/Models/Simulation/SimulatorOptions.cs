namespace LensSweep.Models.Simulation;

/// <summary>
/// Everything the lensing simulator draws from. The defaults reproduce DeepLense Model II as released
/// (64×64 px at 0.101"/px, Euclid VIS Gaussian PSF, fixed SIE + shear macro lens, Sérsic source whose
/// centre is the only macro parameter that varies, no lens light, no noise); widen the ranges for a
/// harder set. Angles are arcseconds.
/// </summary>
public sealed record SimulatorOptions
{
    /// <summary>Image side in pixels.</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>Pixel side in arcseconds (Euclid VIS: 0.101").</summary>
    public double PixelScale { get; init; } = 0.101;

    /// <summary>Rays per pixel side: 1 evaluates pixel centres only, as lenstronomy's default does.</summary>
    public int Supersampling { get; init; } = 1;

    /// <summary>Gaussian PSF full width at half maximum in arcseconds, unless a band overrides it.</summary>
    public double PsfFwhm { get; init; } = 0.16;

    /// <summary>Where the PSF kernel is cut, in sigmas (lenstronomy's simulation API uses 5).</summary>
    public double PsfTruncationSigmas { get; init; } = 5.0;

    /// <summary>One channel per band, in this order. Model II has one band.</summary>
    public IReadOnlyList<BandOptions> Bands { get; init; } = [new BandOptions("VIS")];

    /// <summary>Magnitude that gives 1 e-/s; converts the source magnitude to a Sérsic amplitude.</summary>
    public double MagnitudeZeroPoint { get; init; } = 24.0;

    /// <summary>Main halo (SIE) Einstein radius, product-average convention.</summary>
    public ParameterRange EinsteinRadius { get; init; } = ParameterRange.Fixed(1.2816);

    public ParameterRange LensE1 { get; init; } = ParameterRange.Fixed(0.1);

    public ParameterRange LensE2 { get; init; } = ParameterRange.Fixed(0.0);

    public ParameterRange ShearGamma1 { get; init; } = ParameterRange.Fixed(0.05);

    public ParameterRange ShearGamma2 { get; init; } = ParameterRange.Fixed(0.0);

    /// <summary>Source centre, each coordinate drawn independently from this range.</summary>
    public ParameterRange SourceCenter { get; init; } = new(-0.35, 0.35);

    public ParameterRange SourceMagnitude { get; init; } = ParameterRange.Fixed(20.0);

    public ParameterRange SourceSersicIndex { get; init; } = ParameterRange.Fixed(1.0);

    public ParameterRange SourceRadius { get; init; } = ParameterRange.Fixed(0.25);

    public ParameterRange SourceE1 { get; init; } = ParameterRange.Fixed(-0.1);

    public ParameterRange SourceE2 { get; init; } = ParameterRange.Fixed(0.1);

    /// <summary>Light of the lens galaxy itself; null leaves it out, as DeepLense Models I–III do.</summary>
    public LensLightOptions? LensLight { get; init; }

    /// <summary>Pixel noise; null gives the noise-free images of the released Model II.</summary>
    public NoiseOptions? Noise { get; init; }

    /// <summary>Einstein radius of <see cref="ReferenceMass"/>; point masses scale as √(m / M_ref).</summary>
    public double ReferenceEinsteinRadius { get; init; } = 1.2816;

    /// <summary>Solar masses whose Einstein radius is <see cref="ReferenceEinsteinRadius"/>.</summary>
    public double ReferenceMass { get; init; } = 1e12;

    /// <summary>
    /// Radius below which a point mass's deflection stops growing, so a ray that lands on a subhalo
    /// does not produce an infinite deflection.
    /// </summary>
    public double PointMassSoftening { get; init; } = 0.01;

    /// <summary>The <c>cdm</c> class's subhalos.</summary>
    public SubhaloOptions Subhalos { get; init; } = new();

    /// <summary>The <c>axion</c> class's vortex.</summary>
    public VortexOptions Vortex { get; init; } = new();

    /// <summary>The same field of view (<see cref="ImageSize"/> · <see cref="PixelScale"/>) sampled by
    /// <paramref name="imageSize"/> pixels a side: a smaller image is a coarser view of the same lens, not a crop
    /// that cuts off the Einstein ring.</summary>
    public SimulatorOptions AtImageSize(int imageSize) =>
        imageSize == ImageSize ? this : this with { ImageSize = imageSize, PixelScale = ImageSize * PixelScale / imageSize };

    /// <summary>DeepLense Model II as released: the defaults.</summary>
    public static SimulatorOptions ModelII { get; } = new();

    /// <summary>
    /// Model II with the macro lens and the source drawn per image instead of fixed (LENSING.md §5.8's
    /// "richer or harder" ranges): Einstein radius 0.8–1.8", SIE ellipticity components within ±0.2,
    /// shear components within ±0.07, source centre within ±0.5", and a Poisson number of subhalos.
    /// The ring no longer sits at one radius, so the classes stop being separable by a linear map of the
    /// pixels.
    /// </summary>
    public static SimulatorOptions VariedMacroLens { get; } = new()
    {
        EinsteinRadius = new(0.8, 1.8),
        LensE1 = new(-0.2, 0.2),
        LensE2 = new(-0.2, 0.2),
        ShearGamma1 = new(-0.07, 0.07),
        ShearGamma2 = new(-0.07, 0.07),
        SourceCenter = new(-0.5, 0.5),
        Subhalos = new SubhaloOptions { PoissonCount = true },
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require(ImageSize is >= 4 and <= 4096, nameof(ImageSize), $"must be 4–4096 pixels, got {ImageSize}");
        RequirePositive(PixelScale, nameof(PixelScale));
        Require(Supersampling is >= 1 and <= 16, nameof(Supersampling), $"must be 1–16, got {Supersampling}");
        Require(double.IsFinite(PsfFwhm) && PsfFwhm >= 0, nameof(PsfFwhm), $"must be ≥ 0 (0 = no PSF), got {PsfFwhm}");
        Require(PsfTruncationSigmas is >= 1 and <= 10, nameof(PsfTruncationSigmas), $"must be 1–10, got {PsfTruncationSigmas}");
        Require(Bands is { Count: > 0 }, nameof(Bands), "needs at least one band");
        foreach (var band in Bands)
        {
            band.Validate();
        }

        Require(Bands.Select(b => b.Name).Distinct(StringComparer.Ordinal).Count() == Bands.Count, nameof(Bands), "band names must be distinct");
        Require(double.IsFinite(MagnitudeZeroPoint), nameof(MagnitudeZeroPoint), "must be finite");
        EinsteinRadius.Validate(nameof(EinsteinRadius), min: 0, minInclusive: false);
        LensE1.Validate(nameof(LensE1), min: -0.9, max: 0.9);
        LensE2.Validate(nameof(LensE2), min: -0.9, max: 0.9);
        ShearGamma1.Validate(nameof(ShearGamma1), min: -0.5, max: 0.5);
        ShearGamma2.Validate(nameof(ShearGamma2), min: -0.5, max: 0.5);
        SourceCenter.Validate(nameof(SourceCenter));
        SourceMagnitude.Validate(nameof(SourceMagnitude));
        SourceSersicIndex.Validate(nameof(SourceSersicIndex), min: 0.2, max: 8);
        SourceRadius.Validate(nameof(SourceRadius), min: 0, minInclusive: false);
        SourceE1.Validate(nameof(SourceE1), min: -0.9, max: 0.9);
        SourceE2.Validate(nameof(SourceE2), min: -0.9, max: 0.9);
        LensLight?.Validate();
        Noise?.Validate();
        RequirePositive(ReferenceEinsteinRadius, nameof(ReferenceEinsteinRadius));
        RequirePositive(ReferenceMass, nameof(ReferenceMass));
        RequirePositive(PointMassSoftening, nameof(PointMassSoftening));
        Subhalos.Validate();
        Vortex.Validate();
    }

    internal static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"Simulator option {name} {problem}.", name);
        }
    }

    internal static void RequirePositive(double value, string name) =>
        Require(double.IsFinite(value) && value > 0, name, $"must be a positive number, got {value}");
}

/// <summary>One channel: how bright the source and the lens light are in it, and its PSF.</summary>
/// <param name="SourceScale">Multiplies the source flux (a colour relative to the reference band).</param>
/// <param name="LensLightScale">Multiplies the lens-light flux.</param>
/// <param name="PsfFwhm">This band's PSF FWHM in arcseconds; null uses <see cref="SimulatorOptions.PsfFwhm"/>.</param>
public sealed record BandOptions(string Name, double SourceScale = 1.0, double LensLightScale = 1.0, double? PsfFwhm = null)
{
    internal void Validate()
    {
        SimulatorOptions.Require(!string.IsNullOrWhiteSpace(Name), "Bands", "has a band without a name");
        SimulatorOptions.Require(double.IsFinite(SourceScale) && SourceScale >= 0, $"Bands[{Name}].SourceScale", $"must be ≥ 0, got {SourceScale}");
        SimulatorOptions.Require(double.IsFinite(LensLightScale) && LensLightScale >= 0, $"Bands[{Name}].LensLightScale", $"must be ≥ 0, got {LensLightScale}");
        SimulatorOptions.Require(PsfFwhm is null || (double.IsFinite(PsfFwhm.Value) && PsfFwhm.Value >= 0), $"Bands[{Name}].PsfFwhm", $"must be ≥ 0, got {PsfFwhm}");
    }
}

/// <summary>An elliptical Sérsic profile for the lens galaxy's own light, centred on the lens.</summary>
public sealed record LensLightOptions
{
    public ParameterRange Magnitude { get; init; } = ParameterRange.Fixed(19.0);

    public ParameterRange SersicIndex { get; init; } = ParameterRange.Fixed(4.0);

    public ParameterRange Radius { get; init; } = ParameterRange.Fixed(0.5);

    public ParameterRange E1 { get; init; } = ParameterRange.Fixed(0.1);

    public ParameterRange E2 { get; init; } = ParameterRange.Fixed(0.0);

    internal void Validate()
    {
        Magnitude.Validate("LensLight.Magnitude");
        SersicIndex.Validate("LensLight.SersicIndex", min: 0.2, max: 8);
        Radius.Validate("LensLight.Radius", min: 0, minInclusive: false);
        E1.Validate("LensLight.E1", min: -0.9, max: 0.9);
        E2.Validate("LensLight.E2", min: -0.9, max: 0.9);
    }
}

/// <summary>
/// Euclid-like pixel noise in e-/s: Gaussian sky + read noise and Gaussian-approximated shot noise
/// (LENSING.md §5.7). The defaults are lenstronomy 1.9.2's Euclid VIS values, i.e. Model II as designed.
/// </summary>
public sealed record NoiseOptions
{
    public double ExposureSeconds { get; init; } = 565;

    public int Exposures { get; init; } = 4;

    /// <summary>Sky brightness in mag/arcsec².</summary>
    public double SkyMagnitude { get; init; } = 22.35;

    /// <summary>Read noise per exposure in electrons.</summary>
    public double ReadNoise { get; init; } = 4.2;

    public static NoiseOptions EuclidVis { get; } = new();

    internal void Validate()
    {
        SimulatorOptions.RequirePositive(ExposureSeconds, "Noise.ExposureSeconds");
        SimulatorOptions.Require(Exposures >= 1, "Noise.Exposures", $"must be ≥ 1, got {Exposures}");
        SimulatorOptions.Require(double.IsFinite(SkyMagnitude), "Noise.SkyMagnitude", "must be finite");
        SimulatorOptions.Require(double.IsFinite(ReadNoise) && ReadNoise >= 0, "Noise.ReadNoise", $"must be ≥ 0, got {ReadNoise}");
    }
}

/// <summary>CDM subhalos: point masses from dN/dm ∝ m^Slope, uniform in radius and angle.</summary>
public sealed record SubhaloOptions
{
    /// <summary>Subhalos per image (DeepLense always places exactly 25).</summary>
    public int Count { get; init; } = 25;

    /// <summary>Draw the count from Poisson(<see cref="Count"/>) instead (the DeepLense code draws it, then ignores it).</summary>
    public bool PoissonCount { get; init; }

    public double MassMin { get; init; } = 1e6;

    public double MassMax { get; init; } = 1e10;

    /// <summary>Power-law slope of dN/dm.</summary>
    public double Slope { get; init; } = -0.9;

    /// <summary>Radius from the lens centre, uniform in r (not in area) as DeepLense does.</summary>
    public ParameterRange Radius { get; init; } = new(0.25, 2.0);

    internal void Validate()
    {
        SimulatorOptions.Require(Count is >= 1 and <= 10_000, "Subhalos.Count", $"must be 1–10000, got {Count}");
        SimulatorOptions.RequirePositive(MassMin, "Subhalos.MassMin");
        SimulatorOptions.RequirePositive(MassMax, "Subhalos.MassMax");
        SimulatorOptions.Require(MassMax >= MassMin, "Subhalos.MassMax", $"must be ≥ MassMin ({MassMin}), got {MassMax}");
        SimulatorOptions.Require(double.IsFinite(Slope), "Subhalos.Slope", "must be finite");
        Radius.Validate("Subhalos.Radius", min: 0);
    }
}

/// <summary>
/// The axion vortex: equal point masses evenly spaced on a line through the lens centre at a random
/// angle, half-length <see cref="LengthConstant"/> / m_a with m_a log-uniform in [AxionMassMin, AxionMassMax] eV.
/// </summary>
public sealed record VortexOptions
{
    /// <summary>Total vortex mass in solar masses.</summary>
    public double TotalMass { get; init; } = 3e10;

    /// <summary>Point masses the line is made of.</summary>
    public int Elements { get; init; } = 100;

    public double AxionMassMin { get; init; } = 1e-24;

    public double AxionMassMax { get; init; } = 1e-22;

    /// <summary>Half-length × axion mass, arcsec·eV (DeepLense: 3e−24, valid for z_lens = 0.5).</summary>
    public double LengthConstant { get; init; } = 3e-24;

    internal void Validate()
    {
        SimulatorOptions.RequirePositive(TotalMass, "Vortex.TotalMass");
        SimulatorOptions.Require(Elements is >= 1 and <= 10_000, "Vortex.Elements", $"must be 1–10000, got {Elements}");
        SimulatorOptions.RequirePositive(AxionMassMin, "Vortex.AxionMassMin");
        SimulatorOptions.RequirePositive(AxionMassMax, "Vortex.AxionMassMax");
        SimulatorOptions.Require(AxionMassMax >= AxionMassMin, "Vortex.AxionMassMax", $"must be ≥ AxionMassMin ({AxionMassMin}), got {AxionMassMax}");
        SimulatorOptions.RequirePositive(LengthConstant, "Vortex.LengthConstant");
    }
}

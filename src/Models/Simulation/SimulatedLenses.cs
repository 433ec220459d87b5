namespace LensSweep.Models.Simulation;

/// <summary>Whether the macro lens and source are DeepLense Model II's fixed ones or drawn per image.</summary>
public enum MacroLens
{
    Fixed,
    Varied,
}

/// <summary>Pixel noise: none (Model II as released) or Euclid VIS (Model II as designed, LENSING.md §5.7).</summary>
public enum PixelNoise
{
    None,
    Euclid,
}

/// <summary>The simulator settings a study spec and the console offer, and how they are named.</summary>
public static class SimulatedLenses
{
    public static SimulatorOptions Options(MacroLens lens, PixelNoise noise)
    {
        var options = lens == MacroLens.Varied ? SimulatorOptions.VariedMacroLens : SimulatorOptions.ModelII;
        return noise == PixelNoise.Euclid ? options with { Noise = NoiseOptions.EuclidVis } : options;
    }

    /// <summary>e.g. "DeepLense Model II" or "DeepLense Model II, varied macro lens, Euclid VIS noise".</summary>
    public static string Describe(MacroLens lens, PixelNoise noise) =>
        "DeepLense Model II"
        + (lens == MacroLens.Varied ? ", varied macro lens" : "")
        + (noise == PixelNoise.Euclid ? ", Euclid VIS noise" : "");

    /// <summary>
    /// LSST-like cutouts for trying the LSST layout without the challenge's data: 41×41 at 0.2"/px in g r i z y,
    /// seeing 0.8" FWHM, a red elliptical lens galaxy and a blue source, macro lens drawn per image as
    /// <see cref="SimulatorOptions.VariedMacroLens"/> (simulated as the no-substructure class). A <paramref name="lensed"/> object bends the
    /// source into arcs; a non-lens has the same lens galaxy and source with a negligible mass (Einstein radius
    /// 0.001"), so the source sits beside it unlensed. Sources are faint (magnitude 21.5–23.5) under sky, read
    /// and shot noise of a short exposure, so neither class is read off the pixels at a glance. This is a
    /// stand-in, not the challenge's slsim/HSC images: idealised Sérsic galaxies, one noise model for all bands.
    /// </summary>
    public static SimulatorOptions LsstLike(bool lensed) => SimulatorOptions.VariedMacroLens with
    {
        ImageSize = 41,
        PixelScale = 0.2,
        PsfFwhm = 0.8,
        Bands =
        [
            new BandOptions("g", SourceScale: 1.3, LensLightScale: 0.35),
            new BandOptions("r", SourceScale: 1.1, LensLightScale: 0.7),
            new BandOptions("i", SourceScale: 1.0, LensLightScale: 1.0),
            new BandOptions("z", SourceScale: 0.85, LensLightScale: 1.2),
            new BandOptions("y", SourceScale: 0.75, LensLightScale: 1.3),
        ],
        LensLight = new LensLightOptions { Magnitude = new(18.5, 20.0), Radius = new(0.4, 0.9), E1 = new(-0.2, 0.2), E2 = new(-0.2, 0.2) },
        SourceCenter = new(-0.6, 0.6),
        SourceMagnitude = new(21.5, 23.5),
        Noise = NoiseOptions.EuclidVis with { ExposureSeconds = 30, Exposures = 2, SkyMagnitude = 21.0 },
        EinsteinRadius = lensed ? new(0.8, 1.8) : ParameterRange.Fixed(0.001),
    };
}

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
}

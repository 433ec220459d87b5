using LensSweep.Models.Simulation;

namespace LensSweep.Models.Data;

/// <summary>Where a study's images come from.</summary>
public enum DatasetKind
{
    /// <summary>The built-in lensing simulator, generated on the fly (deterministic for its seed).</summary>
    Simulated,

    /// <summary>A DeepLense folder: <c>{class}/*.npy</c>.</summary>
    DeepLense,

    /// <summary>An LSST strong-lens challenge folder: five <c>DX_L|N_########_b.fits</c> files per object.</summary>
    Lsst,
}

/// <summary>
/// What to load and how to split it. The simulator's own parameters (image size, pixel scale, bands,
/// parameter ranges) live in the simulator's options; <see cref="ImagesPerClass"/> and
/// <see cref="ImageSize"/> are the two a study most often changes.
/// </summary>
public sealed record DatasetOptions
{
    public DatasetKind Kind { get; init; } = DatasetKind.Simulated;

    /// <summary>Folder for DeepLense or LSST data; unused for the simulator.</summary>
    public string? Path { get; init; }

    /// <summary>Simulator: images per class. Readers: at most this many per class (null = all).</summary>
    public int? ImagesPerClass { get; init; } = 256;

    /// <summary>Image side in pixels the model trains on: the simulator renders at it (DeepLense Model II is 64);
    /// images read from files must have it, or be brought to it by <see cref="Fit"/>.</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>Reader data: how images whose side is not <see cref="ImageSize"/> are brought to it at load; null
    /// means they must already be that size (see <see cref="ImageFitting.Problem"/>). Unused for the simulator.</summary>
    public ImageFit? Fit { get; init; }

    /// <summary>Classes to use, in label order; null = all the source has.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    public double ValidationFraction { get; init; } = 0.15;

    public double TestFraction { get; init; } = 0.15;

    /// <summary>Seed for the simulator and the stratified split.</summary>
    public int Seed { get; init; } = 0;

    /// <summary>Simulator: DeepLense Model II's fixed macro lens and source, or both drawn per image (whose
    /// truths a regression probe can then be scored on).</summary>
    public MacroLens MacroLens { get; init; } = MacroLens.Fixed;

    /// <summary>Simulator: no pixel noise (Model II as released) or Euclid VIS noise.</summary>
    public PixelNoise Noise { get; init; } = PixelNoise.None;

    /// <summary>Simulator: extra unlabelled images per class that only pretraining sees (joined to the train
    /// split; the probes and baselines never fit or score on them). 0 = none.</summary>
    public int UnlabelledPerClass { get; init; }
}

namespace LensSweep.Models.Data;

/// <summary>
/// Labelled lens images held in memory, row-major N×C×H×W float32, the one shape every reader and the
/// simulator produce and the trainer and probe consume.
/// </summary>
/// <param name="Images">Count·Channels·Height·Width values, image after image.</param>
/// <param name="Labels">Class index per image, into <paramref name="ClassNames"/>.</param>
public sealed record LensDataset(
    float[] Images,
    int[] Labels,
    int Count,
    int Channels,
    int Height,
    int Width,
    IReadOnlyList<string> ClassNames)
{
    public int PixelsPerImage => Channels * Height * Width;

    /// <summary>Each image's physical truth (simulated data, or a folder with <c>truth.csv</c>); null when unknown.</summary>
    public LensTruths? Truths { get; init; }

    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(index * PixelsPerImage, PixelsPerImage);
}

/// <summary>The stratified train / validation / test split a trial pretrains and probes on.</summary>
public sealed record DataSplit(LensDataset Train, LensDataset Validation, LensDataset Test);

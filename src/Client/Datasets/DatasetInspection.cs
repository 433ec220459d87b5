using LensSweep.Models.Data;

namespace LensSweep.Client.Datasets;

/// <summary>What <c>data inspect</c> found in a dataset folder, before any normalisation.</summary>
/// <param name="ImagesPerClass">Readable images per class, in label order.</param>
/// <param name="Shape">Channels × height × width of every image.</param>
/// <param name="NonFinitePixels">NaN or ±Inf pixel values (the loader replaces them by the channel median).</param>
/// <param name="SkippedFiles">Files that are not part of the dataset (wrong extension or name), with up to ten examples.</param>
public sealed record DatasetInspection(
    string Folder,
    DatasetKind Kind,
    IReadOnlyDictionary<string, int> ImagesPerClass,
    (int Channels, int Height, int Width) Shape,
    double Min,
    double Max,
    double Mean,
    long NonFinitePixels,
    int SkippedFiles,
    IReadOnlyList<string> SkippedFileExamples)
{
    public int Total => ImagesPerClass.Values.Sum();
}

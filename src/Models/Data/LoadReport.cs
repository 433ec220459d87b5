namespace LensSweep.Models.Data;

/// <summary>What a load found and changed, so nothing a reader did to the data is silent.</summary>
/// <param name="Source">The folder read, or "simulator".</param>
/// <param name="ImagesPerClass">Images kept per class, in label order.</param>
/// <param name="NonFiniteValuesReplaced">NaN/±Inf pixels replaced by their channel's median.</param>
/// <param name="ImagesWithNonFiniteValues">Images that had at least one such pixel.</param>
/// <param name="ConstantImages">Images with zero spread, set to all zeros by the normalisation.</param>
/// <param name="SkippedFiles">Files in the folder that are not part of the dataset (wrong extension or name).</param>
/// <param name="SkippedFileExamples">Up to ten of them, to show what was ignored.</param>
public sealed record LoadReport(
    DatasetKind Kind,
    string Source,
    IReadOnlyDictionary<string, int> ImagesPerClass,
    long NonFiniteValuesReplaced,
    int ImagesWithNonFiniteValues,
    int ConstantImages,
    int SkippedFiles,
    IReadOnlyList<string> SkippedFileExamples,
    TimeSpan Elapsed);

/// <summary>A loaded, normalised dataset and the report of how it was loaded.</summary>
public sealed record LoadedDataset(LensDataset Dataset, LoadReport Report);

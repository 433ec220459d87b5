namespace LensSweep.Models.Data;

/// <summary>What a reader produced before sanitising and normalising.</summary>
/// <param name="Extras">Per image, the first number stored beside it (the axion mass), NaN where none.</param>
public sealed record RawLoad(LensDataset Dataset, int SkippedFiles, IReadOnlyList<string> SkippedFileExamples, IReadOnlyList<double> Extras);

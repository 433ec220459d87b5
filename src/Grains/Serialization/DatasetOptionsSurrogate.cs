using LensSweep.Models.Data;

namespace LensSweep.Grains.Serialization;

[GenerateSerializer, Alias("lenssweep.DatasetOptions")]
public struct DatasetOptionsSurrogate
{
    [Id(0)] public int Kind;
    [Id(1)] public string? Path;
    [Id(2)] public int? ImagesPerClass;
    [Id(3)] public int ImageSize;
    [Id(4)] public string[]? Classes;
    [Id(5)] public double ValidationFraction;
    [Id(6)] public double TestFraction;
    [Id(7)] public int Seed;
    [Id(8)] public int MacroLens;
    [Id(9)] public int Noise;
    [Id(10)] public int UnlabelledPerClass;
    [Id(11)] public int? Fit;
}

[RegisterConverter]
public sealed class DatasetOptionsSurrogateConverter : IConverter<DatasetOptions, DatasetOptionsSurrogate>
{
    public DatasetOptions ConvertFromSurrogate(in DatasetOptionsSurrogate s) => new()
    {
        Kind = (DatasetKind)s.Kind,
        Path = s.Path,
        ImagesPerClass = s.ImagesPerClass,
        ImageSize = s.ImageSize,
        Classes = s.Classes,
        ValidationFraction = s.ValidationFraction,
        TestFraction = s.TestFraction,
        Seed = s.Seed,
        MacroLens = (LensSweep.Models.Simulation.MacroLens)s.MacroLens,
        Noise = (LensSweep.Models.Simulation.PixelNoise)s.Noise,
        UnlabelledPerClass = s.UnlabelledPerClass,
        Fit = (ImageFit?)s.Fit,
    };

    public DatasetOptionsSurrogate ConvertToSurrogate(in DatasetOptions d) => new()
    {
        Kind = (int)d.Kind,
        Path = d.Path,
        ImagesPerClass = d.ImagesPerClass,
        ImageSize = d.ImageSize,
        Classes = d.Classes?.ToArray(),
        ValidationFraction = d.ValidationFraction,
        TestFraction = d.TestFraction,
        Seed = d.Seed,
        MacroLens = (int)d.MacroLens,
        Noise = (int)d.Noise,
        UnlabelledPerClass = d.UnlabelledPerClass,
        Fit = (int?)d.Fit,
    };
}

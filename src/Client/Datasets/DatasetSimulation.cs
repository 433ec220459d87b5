using LensSweep.Models.Data;
using LensSweep.Models.Data.DeepLense;
using LensSweep.Models.Data.Lsst;
using LensSweep.Models.Simulation;

namespace LensSweep.Client.Datasets;

/// <summary>Simulates lenses and writes them in DeepLense's layout, so any DeepLense tool (or <c>lenssweep</c> itself) can read them.</summary>
public static class DatasetSimulation
{
    /// <param name="reference">The simulator settings at their own image size; null = DeepLense Model II.</param>
    /// <returns>The number of images written.</returns>
    public static int Write(string folder, int imagesPerClass, IReadOnlyList<string> classes, int imageSize, int seed, CancellationToken cancellationToken, SimulatorOptions? reference = null)
    {
        // Same rule as the study loader: a different image size keeps the field of view at another pixel
        // scale, so the Einstein ring stays in frame.
        reference ??= SimulatorOptions.ModelII;
        var options = reference with
        {
            ImageSize = imageSize,
            PixelScale = reference.ImageSize * reference.PixelScale / imageSize,
        };
        var dataset = new LensSimulator(options).Generate(imagesPerClass, seed, classes, cancellationToken: cancellationToken);
        DeepLenseWriter.Write(dataset, folder, twoDimensional: dataset.Channels == 1);
        return dataset.Count;
    }

    /// <summary>
    /// Writes <paramref name="objectsPerClass"/> LSST-like lenses and as many non-lenses
    /// (<see cref="SimulatedLenses.LsstLike"/>) in the LSST challenge's FITS layout.
    /// </summary>
    /// <returns>The number of objects written (five files each).</returns>
    public static int WriteLsst(string folder, int objectsPerClass, int seed, CancellationToken cancellationToken)
    {
        var lenses = new LensSimulator(SimulatedLenses.LsstLike(lensed: true)).Generate(objectsPerClass, seed, [LensClasses.NoSubstructure], cancellationToken: cancellationToken);
        var others = new LensSimulator(SimulatedLenses.LsstLike(lensed: false)).Generate(objectsPerClass, seed, [LensClasses.NoSubstructure], cancellationToken: cancellationToken);
        var classes = LsstReader.Classes;
        var both = new LensDataset(
            [.. others.Images, .. lenses.Images],
            [.. Enumerable.Repeat(classes.ToList().IndexOf(LsstReader.NonLens), others.Count), .. Enumerable.Repeat(classes.ToList().IndexOf(LsstReader.Lens), lenses.Count)],
            others.Count + lenses.Count,
            lenses.Channels,
            lenses.Height,
            lenses.Width,
            classes);
        return LsstWriter.Write(both, folder);
    }
}

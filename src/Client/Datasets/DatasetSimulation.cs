using LensSweep.Models.Data.DeepLense;
using LensSweep.Models.Simulation;

namespace LensSweep.Client.Datasets;

/// <summary>Simulates lenses and writes them in DeepLense's layout, so any DeepLense tool (or <c>lenssweep</c> itself) can read them.</summary>
public static class DatasetSimulation
{
    /// <returns>The number of images written.</returns>
    public static int Write(string folder, int imagesPerClass, IReadOnlyList<string> classes, int imageSize, int seed, CancellationToken cancellationToken)
    {
        // Same rule as the study loader: a smaller image keeps the Model II field of view at a coarser pixel
        // scale, so the Einstein ring stays in frame.
        var reference = SimulatorOptions.ModelII;
        var options = reference with
        {
            ImageSize = imageSize,
            PixelScale = reference.ImageSize * reference.PixelScale / imageSize,
        };
        var dataset = new LensSimulator(options).Generate(imagesPerClass, seed, classes, cancellationToken: cancellationToken);
        DeepLenseWriter.Write(dataset, folder, twoDimensional: dataset.Channels == 1);
        return dataset.Count;
    }
}

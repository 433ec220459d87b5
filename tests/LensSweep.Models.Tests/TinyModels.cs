using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;

namespace LensSweep.Models.Tests;

/// <summary>Small shapes and hand-built datasets that keep every model test well under a second or two.</summary>
internal static class TinyModels
{
    public static MaeConfig Config { get; } = new()
    {
        ImageSize = 32, Channels = 1, PatchSize = 8, EmbedDim = 32, Depth = 1, Heads = 2,
        DecoderEmbedDim = 16, DecoderDepth = 1, DecoderHeads = 2, MlpRatio = 2, MaskRatio = 0.75,
    };

    public static OptimizerConfig Optimizer { get; } = new()
    {
        LearningRate = 1e-3, BatchSize = 8, WarmupEpochs = 0, TotalEpochs = 4,
    };

    /// <summary>Three classes of 32×32 images: a bright blob on the left, on the right, or a ring, plus noise.</summary>
    public static LensDataset Dataset(int perClass, int seed, int size = 32)
    {
        var random = new Random(seed);
        var classes = new[] { "left", "right", "ring" };
        var count = perClass * classes.Length;
        var images = new float[count * size * size];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            var label = n % classes.Length;
            labels[n] = label;
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    double cx = size / 2.0, cy = size / 2.0;
                    var r = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                    var signal = label switch
                    {
                        0 => Math.Exp(-((x - size * 0.3) * (x - size * 0.3) + (y - cy) * (y - cy)) / 20.0),
                        1 => Math.Exp(-((x - size * 0.7) * (x - size * 0.7) + (y - cy) * (y - cy)) / 20.0),
                        _ => Math.Exp(-(r - size * 0.3) * (r - size * 0.3) / 4.0),
                    };
                    images[(n * size + y) * size + x] = (float)(signal + 0.05 * random.NextDouble());
                }
            }
        }

        return new LensDataset(images, labels, count, 1, size, size, classes);
    }

    public static DataSplit Split(int perClass = 12, int seed = 1) =>
        new(Dataset(perClass, seed), Dataset(perClass / 2, seed + 1), Dataset(perClass / 2, seed + 2));
}

/// <summary>Reports progress on the calling thread (Progress&lt;T&gt; posts asynchronously).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

using LensSweep.Models.Data.Npy;

namespace LensSweep.Models.Data.DeepLense;

/// <summary>Writes a dataset in DeepLense's layout, <c>{dir}/{class}/{index}.npy</c>, float32 C×H×W, and its
/// per-image truths (when it has them) as <c>{dir}/truth.csv</c> (<see cref="TruthFile"/>).</summary>
public static class DeepLenseWriter
{
    /// <param name="twoDimensional">Write single-channel images as (H, W) like DeepLense Model II rather than (1, H, W).</param>
    public static void Write(LensDataset dataset, string directory, bool twoDimensional = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (twoDimensional && dataset.Channels != 1)
        {
            throw new ArgumentException($"Only single-channel images can be written as 2-D; this dataset has {dataset.Channels} channels.", nameof(twoDimensional));
        }

        int[] shape = twoDimensional ? [dataset.Height, dataset.Width] : [dataset.Channels, dataset.Height, dataset.Width];
        foreach (var name in dataset.ClassNames)
        {
            Directory.CreateDirectory(Path.Combine(directory, name));
        }

        // Index within the class, so a class folder reads 0.npy, 1.npy, … whatever the dataset's order.
        var indexInClass = new int[dataset.Count];
        var seen = new int[dataset.ClassNames.Count];
        for (var i = 0; i < dataset.Count; i++)
        {
            indexInClass[i] = seen[dataset.Labels[i]]++;
        }

        var files = Enumerable.Range(0, dataset.Count).Select(i => $"{dataset.ClassNames[dataset.Labels[i]]}/{indexInClass[i]}.npy").ToList();
        Parallel.For(0, dataset.Count, i => NpyFile.Write(Path.Combine(directory, files[i]), dataset.Image(i), shape));
        if (dataset.Truths is { } truths)
        {
            TruthFile.Write(directory, files, truths);
        }
    }
}

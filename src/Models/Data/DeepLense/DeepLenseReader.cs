using LensSweep.Models.Data.Npy;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Data.DeepLense;

/// <summary>
/// Reads a DeepLense folder: one sub-folder per class holding one .npy per image: plain 2-D arrays,
/// C×H×W or H×W×C arrays, or pickled <c>[image, mass]</c> object arrays (the axion class). Pixels come
/// back raw; sanitising and normalising is the loader's job.
/// </summary>
public static class DeepLenseReader
{
    /// <param name="classes">Class folders to read, in label order; null = every non-hidden sub-folder,
    /// DeepLense's no_sub, cdm, axion first in that order, then the rest by name.</param>
    /// <param name="imagesPerClass">At most this many files per class, a subset drawn with <paramref name="seed"/>; null = all.</param>
    /// <exception cref="DatasetException">Missing folder, missing or empty class folder, or an unreadable, mis-shaped file.</exception>
    public static RawLoad Read(
        string root,
        IReadOnlyList<string>? classes = null,
        int? imagesPerClass = null,
        int seed = 0,
        IProgress<LoadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new DatasetException(root, "DeepLense folder not found");
        }

        var classNames = classes ?? DiscoverClasses(root);
        if (classNames.Count == 0)
        {
            throw new DatasetException(root, "no class folders: expected {class}/*.npy, e.g. no_sub/, cdm/, axion/");
        }

        var files = new List<(string Path, int Label)>();
        var skipped = new List<string>();
        for (var label = 0; label < classNames.Count; label++)
        {
            var folder = Path.Combine(root, classNames[label]);
            if (!Directory.Exists(folder))
            {
                throw new DatasetException(folder, $"class folder '{classNames[label]}' not found");
            }

            var all = Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).ToList();
            var npy = all.Where(IsNpy).ToList();
            skipped.AddRange(all.Where(f => !IsNpy(f)));
            if (npy.Count == 0)
            {
                throw new DatasetException(folder, $"class folder '{classNames[label]}' holds no .npy files");
            }

            files.AddRange(ClassSubset.Take(npy, imagesPerClass, seed, label).Select(f => (f, label)));
        }

        var layout = FirstLayout(files.Select(f => f.Path).ToList(), progress, cancellationToken);
        var images = new float[checked((long)files.Count * layout.Pixels)];
        var extras = new double[files.Count];
        ParallelReads.Run(files.Count, i =>
        {
            var path = files[i].Path;
            var array = NpyFile.Read(path);
            var own = LayoutOf(path, array);
            if (!own.SameImageShape(layout))
            {
                throw new DatasetException(path, $"image is {own.Describe()} but the first readable image is {layout.Describe()}; every image must have the same shape");
            }

            own.CopyTo(array.Data, images.AsSpan(i * layout.Pixels, layout.Pixels));
            extras[i] = array.Extras.Count > 0 ? array.Extras[0] : double.NaN;
        }, "read .npy", progress, cancellationToken);

        var dataset = new LensDataset(images, files.Select(f => f.Label).ToArray(), files.Count, layout.Channels, layout.Height, layout.Width, classNames.ToArray())
        {
            Truths = Truths(root, files.Select(f => Path.GetRelativePath(root, f.Path).Replace('\\', '/')).ToList(), extras),
        };
        return new RawLoad(dataset, skipped.Count, skipped.Take(10).ToArray(), extras);
    }

    /// <summary>The folder's truth.csv, with the axion mass pickled beside an image (DeepLense's axion files)
    /// filling that column where the file has none; null when neither says anything.</summary>
    /// <summary>
    /// The shape of the first file that reads. Files that do not are passed over here; the full read lists them
    /// all. When none reads, every file is tried so that the error names each one.
    /// </summary>
    private static ImageLayout FirstLayout(IReadOnlyList<string> paths, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            try
            {
                return LayoutOf(path, NpyFile.Read(path));
            }
            catch (DatasetException)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        ParallelReads.Run(paths.Count, i => LayoutOf(paths[i], NpyFile.Read(paths[i])), "read .npy", progress, cancellationToken);
        throw new InvalidOperationException("unreachable: every file failed to read above");
    }

    private static LensTruths? Truths(string root, IReadOnlyList<string> files, double[] extras)
    {
        var columns = TruthFile.Read(root, files)?.Columns.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal)
            ?? new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (extras.Any(double.IsFinite))
        {
            var mass = columns.TryGetValue(LensTruths.AxionMass, out var stored) ? stored : Enumerable.Repeat(double.NaN, files.Count).ToArray();
            columns[LensTruths.AxionMass] = [.. mass.Select((m, i) => double.IsFinite(m) ? m : extras[i])];
        }

        return columns.Count == 0 ? null : new LensTruths(columns);
    }

    private static ImageLayout LayoutOf(string path, NpyArray array) =>
        ImageLayout.FromShape(array.Shape)
        ?? throw new DatasetException(path, $"array of shape {NpyFile.FormatShape(array.Shape)} is not an image: expected (H, W), (C, H, W) or (H, W, C)");

    private static bool IsNpy(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    private static List<string> DiscoverClasses(string root)
    {
        var names = Directory.EnumerateDirectories(root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => !n.StartsWith('.'))
            .ToList();
        var known = LensClasses.All.Where(names.Contains);
        var others = names.Except(LensClasses.All).Order(StringComparer.Ordinal);
        return known.Concat(others).ToList();
    }
}

using System.Text.RegularExpressions;
using LensSweep.Models.Data.Fits;

namespace LensSweep.Models.Data.Lsst;

/// <summary>
/// Reads the LSST strong-lens challenge layout: per object five files <c>D{X}_{L|N}_{########}_{band}.fits</c>
/// (g, r, i, z, y), each an empty primary HDU plus a one-row binary table whose <c>band_{b}</c> column
/// holds the flattened 41×41 cutout. L objects are lenses, N non-lenses. Files may sit in any sub-folder.
/// </summary>
public static partial class LsstReader
{
    public const string Lens = "lens";
    public const string NonLens = "non_lens";

    /// <summary>Label order when none is asked for: non_lens = 0, lens = 1, so lens is the positive class.</summary>
    public static IReadOnlyList<string> Classes { get; } = [NonLens, Lens];

    /// <summary>Channel order of the five bands.</summary>
    public static IReadOnlyList<string> Bands { get; } = ["g", "r", "i", "z", "y"];

    /// <exception cref="DatasetException">Missing folder, no objects, an object missing a band file, or an unreadable file.</exception>
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
            throw new DatasetException(root, "LSST folder not found");
        }

        var classNames = classes ?? Classes;
        foreach (var name in classNames)
        {
            if (!Classes.Contains(name))
            {
                throw new DatasetException(root, $"LSST data has classes {string.Join(" and ", Classes)}; '{name}' is not one of them");
            }
        }

        var objects = new SortedDictionary<string, LsstObject>(StringComparer.Ordinal);
        var skipped = new List<string>();
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var match = FileNamePattern().Match(Path.GetFileName(path));
            if (!match.Success)
            {
                skipped.Add(path);
                continue;
            }

            var id = $"{match.Groups["survey"].Value}_{match.Groups["kind"].Value}_{match.Groups["index"].Value}";
            var band = match.Groups["band"].Value;
            if (!objects.TryGetValue(id, out var entry))
            {
                entry = new LsstObject(id, match.Groups["kind"].Value == "L" ? Lens : NonLens, new string?[Bands.Count]);
                objects[id] = entry;
            }

            var slot = IndexOfBand(band);
            if (entry.BandFiles[slot] is { } earlier)
            {
                throw new DatasetException(path, $"object {id} band {band} appears twice (also {earlier})");
            }

            entry.BandFiles[slot] = path;
        }

        if (objects.Count == 0)
        {
            throw new DatasetException(root, "no LSST band files: expected names like D1_L_00040398_g.fits");
        }

        foreach (var o in objects.Values)
        {
            var missing = Bands.Where((_, b) => o.BandFiles[b] is null).ToArray();
            if (missing.Length > 0)
            {
                var folder = Path.GetDirectoryName(o.BandFiles.First(f => f is not null)) ?? root;
                throw new DatasetException(folder, $"object {o.Id} is missing band file(s) {string.Join(", ", missing.Select(b => $"{o.Id}_{b}.fits"))}");
            }
        }

        var chosen = new List<(LsstObject Object, int Label)>();
        for (var label = 0; label < classNames.Count; label++)
        {
            var ofClass = objects.Values.Where(o => o.ClassName == classNames[label]).ToList();
            if (ofClass.Count == 0)
            {
                throw new DatasetException(root, $"no {classNames[label]} objects ({(classNames[label] == Lens ? "D*_L_*" : "D*_N_*")} files)");
            }

            chosen.AddRange(ClassSubset.Take(ofClass, imagesPerClass, seed, label).Select(o => (o, label)));
        }

        var first = FirstCutout(chosen.Select(c => c.Object.BandFiles[0]!).ToList(), progress, cancellationToken);
        var plane = first.Height * first.Width;
        var pixels = Bands.Count * plane;
        var images = new float[checked((long)chosen.Count * pixels)];
        ParallelReads.Run(chosen.Count, i =>
        {
            var o = chosen[i].Object;
            for (var b = 0; b < Bands.Count; b++)
            {
                var image = BandImage.Read(o.BandFiles[b]!, Bands[b]);
                if (image.Height != first.Height || image.Width != first.Width)
                {
                    throw new DatasetException(o.BandFiles[b]!, $"cutout is {image.Height}×{image.Width} but the first readable one is {first.Height}×{first.Width}; every cutout must have the same size");
                }

                image.Pixels.CopyTo(images.AsSpan(i * pixels + b * plane, plane));
            }
        }, "read LSST objects", progress, cancellationToken);

        var dataset = new LensDataset(images, chosen.Select(c => c.Label).ToArray(), chosen.Count, Bands.Count, first.Height, first.Width, classNames.ToArray());
        return new RawLoad(dataset, skipped.Count, skipped.Take(10).ToArray(), new double[chosen.Count].Select(_ => double.NaN).ToArray());
    }

    /// <summary>The first g-band cutout that reads (its size is every cutout's); when none does, every file is tried so the error names each.</summary>
    private static BandImage FirstCutout(IReadOnlyList<string> paths, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            try
            {
                return BandImage.Read(path, Bands[0]);
            }
            catch (DatasetException)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        ParallelReads.Run(paths.Count, i => BandImage.Read(paths[i], Bands[0]), "read LSST objects", progress, cancellationToken);
        throw new InvalidOperationException("unreachable: every file failed to read above");
    }

    private static int IndexOfBand(string band)
    {
        for (var b = 0; b < Bands.Count; b++)
        {
            if (Bands[b] == band)
            {
                return b;
            }
        }

        throw new ArgumentException($"'{band}' is not an LSST band", nameof(band));
    }

    [GeneratedRegex(@"^(?<survey>D\d+)_(?<kind>[LN])_(?<index>\d+)_(?<band>[grizy])\.fits$", RegexOptions.IgnoreCase)]
    private static partial Regex FileNamePattern();

    private sealed record LsstObject(string Id, string ClassName, string?[] BandFiles);
}

using LensSweep.Models.Data;
using LensSweep.Models.Data.DeepLense;
using LensSweep.Models.Data.Lsst;

namespace LensSweep.Client.Datasets;

/// <summary>Reads a DeepLense or LSST folder raw and summarises it: counts, shape, value range, what was skipped.</summary>
public static class DatasetInspector
{
    /// <summary>Guesses the layout: LSST challenge folders hold FITS files, DeepLense folders hold .npy.</summary>
    public static DatasetKind DetectKind(string folder) =>
        Directory.EnumerateFiles(folder, "*.fits", SearchOption.AllDirectories).Any() ? DatasetKind.Lsst : DatasetKind.DeepLense;

    /// <exception cref="CliInputException">The folder is missing or a file in it cannot be read; the message names it and why.</exception>
    public static DatasetInspection Inspect(string folder, DatasetKind? kind, CancellationToken cancellationToken)
    {
        if (File.Exists(folder))
        {
            throw new CliInputException(
                $"dataset folder '{folder}' is a file, not a folder",
                $"Give the folder that holds it{(Path.GetDirectoryName(Path.GetFullPath(folder)) is { } parent ? $" (e.g. {parent})" : string.Empty)}: a dataset is a folder of class sub-folders.");
        }

        if (!Directory.Exists(folder))
        {
            throw new CliInputException(
                $"dataset folder '{folder}' does not exist",
                "Check the path, or write a simulated one with 'lenssweep data simulate --out <dir> --count N'.");
        }

        var chosen = kind ?? DetectKind(folder);
        RawLoad raw;
        try
        {
            raw = chosen == DatasetKind.Lsst
                ? LsstReader.Read(folder, cancellationToken: cancellationToken)
                : DeepLenseReader.Read(folder, cancellationToken: cancellationToken);
        }
        catch (DatasetException e)
        {
            throw new CliInputException(
                e.Files.Count > 1 ? $"{e.Files.Count} files in {folder} cannot be read:" : $"cannot read {e.Path}: {e.Problem}",
                chosen == DatasetKind.Lsst
                    ? "An LSST folder holds {lens,nonlens}/ with five DX_L|N_########_b.fits band files per object; fix or remove the files named."
                    : "A DeepLense folder holds one sub-folder per class ({no_sub,cdm,axion}/) of same-shaped .npy images; fix or remove the files named.",
                e.Files.Count > 1 ? Listed(e.Files) : null);
        }

        var dataset = raw.Dataset;
        var (min, max, sum, finite) = (double.PositiveInfinity, double.NegativeInfinity, 0.0, 0L);
        foreach (var value in dataset.Images)
        {
            if (!float.IsFinite(value))
            {
                continue;
            }

            min = Math.Min(min, value);
            max = Math.Max(max, value);
            sum += value;
            finite++;
        }

        var perClass = dataset.ClassNames
            .Select((name, label) => (name, count: dataset.Labels.Count(l => l == label)))
            .ToDictionary(x => x.name, x => x.count);
        return new DatasetInspection(
            folder,
            chosen,
            perClass,
            (dataset.Channels, dataset.Height, dataset.Width),
            finite == 0 ? double.NaN : min,
            finite == 0 ? double.NaN : max,
            finite == 0 ? double.NaN : sum / finite,
            dataset.Images.LongLength - finite,
            raw.SkippedFiles,
            raw.SkippedFileExamples);
    }

    /// <summary>Most files listed in a report; the rest are counted.</summary>
    public const int MaxListedFiles = 50;

    /// <summary>"path: problem" per unreadable file, the first <see cref="MaxListedFiles"/> of them and a count of the rest.</summary>
    public static IReadOnlyList<string> Listed(IReadOnlyList<DatasetException> files) =>
        [.. files.Take(MaxListedFiles).Select(f => $"{f.Path}: {f.Problem}"),
         .. files.Count > MaxListedFiles ? [$"… and {files.Count - MaxListedFiles} more"] : Array.Empty<string>()];
}

using System.Globalization;
using LensSweep.Models.Data.Fits;

namespace LensSweep.Models.Data.Lsst;

/// <summary>
/// Writes a five-band lens / non-lens dataset in the LSST strong-lens challenge layout <see cref="LsstReader"/>
/// reads: per object five files <c>D1_{L|N}_{########}_{band}.fits</c> in <c>lens/</c> and <c>non_lens/</c>.
/// </summary>
public static class LsstWriter
{
    /// <param name="dataset">Five channels in <see cref="LsstReader.Bands"/> order; classes <see cref="LsstReader.Lens"/> and <see cref="LsstReader.NonLens"/>.</param>
    /// <returns>The number of objects written.</returns>
    public static int Write(LensDataset dataset, string folder)
    {
        if (dataset.Channels != LsstReader.Bands.Count)
        {
            throw new ArgumentException($"LSST objects have {LsstReader.Bands.Count} bands; the dataset has {dataset.Channels} channels.", nameof(dataset));
        }

        var unknown = dataset.ClassNames.Except(LsstReader.Classes).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"LSST classes are {string.Join(" and ", LsstReader.Classes)}; the dataset has {string.Join(", ", unknown)}.", nameof(dataset));
        }

        var plane = dataset.Height * dataset.Width;
        for (var i = 0; i < dataset.Count; i++)
        {
            var className = dataset.ClassNames[dataset.Labels[i]];
            var directory = Directory.CreateDirectory(Path.Combine(folder, className)).FullName;
            var id = $"D1_{(className == LsstReader.Lens ? 'L' : 'N')}_{i.ToString("D8", CultureInfo.InvariantCulture)}";
            var image = dataset.Image(i);
            for (var b = 0; b < LsstReader.Bands.Count; b++)
            {
                var band = LsstReader.Bands[b];
                FitsWriter.WriteBandTable(Path.Combine(directory, $"{id}_{band}.fits"), id, $"band_{band}", image.Slice(b * plane, plane), dataset.Height, dataset.Width);
            }
        }

        return dataset.Count;
    }
}

using LensSweep.Models.Data;
using LensSweep.Models.Data.Lsst;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Data;

public sealed class LsstWriterTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Written_objects_read_back_with_their_pixels_bands_and_classes()
    {
        var images = Enumerable.Range(0, 2 * 5 * 3 * 3).Select(i => (float)i).ToArray();
        var dataset = new LensDataset(images, [0, 1], 2, 5, 3, 3, LsstReader.Classes);

        LsstWriter.Write(dataset, _temp.Path);
        var read = LsstReader.Read(_temp.Path).Dataset;

        Assert.Equal((2, 5, 3, 3), (read.Count, read.Channels, read.Height, read.Width));
        Assert.Equal(LsstReader.Classes, read.ClassNames);
        for (var i = 0; i < 2; i++)
        {
            var label = read.Labels[i];
            Assert.Equal(dataset.Image(Array.IndexOf(dataset.Labels, label)).ToArray(), read.Image(i).ToArray());
        }
    }

    [Fact]
    public void Each_object_is_five_band_files_named_as_the_challenge_names_them()
    {
        var dataset = new LensDataset(new float[5 * 4], [1], 1, 5, 2, 2, LsstReader.Classes);

        LsstWriter.Write(dataset, _temp.Path);

        var names = Directory.GetFiles(Path.Combine(_temp.Path, LsstReader.Lens)).Select(Path.GetFileName).Order();
        Assert.Equal(["D1_L_00000000_g.fits", "D1_L_00000000_i.fits", "D1_L_00000000_r.fits", "D1_L_00000000_y.fits", "D1_L_00000000_z.fits"], names);
    }

    [Fact]
    public void A_dataset_without_five_bands_is_refused() =>
        Assert.Throws<ArgumentException>(() => LsstWriter.Write(new LensDataset(new float[4], [0], 1, 1, 2, 2, LsstReader.Classes), _temp.Path));

    [Fact]
    public void Lsst_like_lenses_differ_from_their_unlensed_look_alikes_and_keep_the_challenge_shape()
    {
        var lens = new LensSimulator(SimulatedLenses.LsstLike(lensed: true)).Generate(1, 3, [LensClasses.NoSubstructure]);
        var other = new LensSimulator(SimulatedLenses.LsstLike(lensed: false)).Generate(1, 3, [LensClasses.NoSubstructure]);

        Assert.Equal((5, 41, 41), (lens.Channels, lens.Height, lens.Width));
        var difference = lens.Images.Zip(other.Images, (a, b) => Math.Abs(a - b)).Sum();
        Assert.True(difference > 0.05 * lens.Images.Sum(Math.Abs), $"lensing changed only {difference} of {lens.Images.Sum(Math.Abs)}");
    }
}

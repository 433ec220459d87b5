using LensSweep.Models.Data.Fits;
using LensSweep.Models.Data;
using LensSweep.Models.Data.DeepLense;
using LensSweep.Models.Data.Npy;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Data;

public sealed class DatasetLoaderTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly DatasetLoader _loader = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Simulated_data_comes_back_normalised_with_per_class_counts()
    {
        var loaded = _loader.LoadWithReport(new DatasetOptions { ImagesPerClass = 4, ImageSize = 16, Seed = 1 });

        Assert.Equal(12, loaded.Dataset.Count);
        Assert.Equal(new Dictionary<string, int> { ["no_sub"] = 4, ["cdm"] = 4, ["axion"] = 4 }, loaded.Report.ImagesPerClass);
        Assert.Equal(0, loaded.Dataset.Image(5).ToArray().Average(), 4);
    }

    [Fact]
    public void A_smaller_simulated_image_keeps_the_field_of_view()
    {
        var small = _loader.Load(new DatasetOptions { ImagesPerClass = 1, ImageSize = 32, Classes = ["no_sub"] });

        // The Einstein ring (radius 1.28", 12.7 px at 64 px) sits at about 6.3 px from the centre at 32 px.
        var row = small.Image(0).Slice(16 * 32, 32).ToArray();
        var brightest = Array.IndexOf(row, row.Max());
        Assert.InRange(Math.Abs(brightest - 15.5), 4.5, 8.5);
    }

    [Fact]
    public void DeepLense_folder_with_NaNs_reports_how_many_were_replaced()
    {
        DeepLenseWriter.Write(new LensSimulator(SimulatorOptions.ModelII with { ImageSize = 8, PixelScale = 0.8 }).Generate(2, 0), _temp.Path);
        var broken = new float[64];
        broken[3] = float.NaN;
        broken[9] = float.PositiveInfinity;
        broken[10] = 1;
        NpyFile.Write(_temp.Combine("cdm", "1.npy"), broken, [1, 8, 8]);

        var loaded = _loader.LoadWithReport(new DatasetOptions { Kind = DatasetKind.DeepLense, Path = _temp.Path, ImagesPerClass = null, ImageSize = 8 });

        Assert.Equal(2, loaded.Report.NonFiniteValuesReplaced);
        Assert.Equal(1, loaded.Report.ImagesWithNonFiniteValues);
        Assert.All(loaded.Dataset.Images, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Lsst_kind_dispatches_to_the_FITS_reader()
    {
        foreach (var (id, n) in new[] { ("D1_L_00000001", 1), ("D1_N_00000002", 2) })
        {
            foreach (var band in new[] { "g", "r", "i", "z", "y" })
            {
                FitsWriter.WriteBandTable(_temp.Combine($"{id}_{band}.fits"), id, $"band_{band}", Enumerable.Range(0, 9).Select(i => (float)(i * n)).ToArray(), 3, 3);
            }
        }

        var loaded = _loader.Load(new DatasetOptions { Kind = DatasetKind.Lsst, Path = _temp.Path, ImageSize = 3 });

        Assert.Equal((2, 5, 3, 3), (loaded.Count, loaded.Channels, loaded.Height, loaded.Width));
    }

    [Fact]
    public void Cutouts_of_another_size_without_a_fit_are_refused_naming_both_sizes_and_the_option()
    {
        WriteLsstObjects(side: 5);

        var error = Assert.Throws<DatasetException>(() => _loader.Load(new DatasetOptions { Kind = DatasetKind.Lsst, Path = _temp.Path, ImageSize = 8 }));

        Assert.Contains("5×5", error.Problem, StringComparison.Ordinal);
        Assert.Contains("image_size is 8", error.Problem, StringComparison.Ordinal);
        Assert.Contains("dataset.fit", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ImageFit.Resize, 8)]
    [InlineData(ImageFit.Pad, 8)]
    [InlineData(ImageFit.Crop, 4)]
    public void A_fit_brings_read_cutouts_to_the_image_size_at_load(ImageFit fit, int size)
    {
        WriteLsstObjects(side: 5);

        var loaded = _loader.Load(new DatasetOptions { Kind = DatasetKind.Lsst, Path = _temp.Path, ImageSize = size, Fit = fit });

        Assert.Equal((2, 5, size, size), (loaded.Count, loaded.Channels, loaded.Height, loaded.Width));
        Assert.Equal(2 * 5 * size * size, loaded.Images.Length);
    }

    [Fact]
    public void A_resized_image_is_standardised_again()
    {
        WriteLsstObjects(side: 5);

        var loaded = _loader.Load(new DatasetOptions { Kind = DatasetKind.Lsst, Path = _temp.Path, ImageSize = 8, Fit = ImageFit.Resize });

        var plane = loaded.Image(0)[..64].ToArray();
        Assert.Equal(0, plane.Average(), 4);
    }

    private void WriteLsstObjects(int side)
    {
        foreach (var (id, n) in new[] { ("D1_L_00000001", 1), ("D1_N_00000002", 2) })
        {
            foreach (var band in new[] { "g", "r", "i", "z", "y" })
            {
                FitsWriter.WriteBandTable(_temp.Combine($"{id}_{band}.fits"), id, $"band_{band}", Enumerable.Range(0, side * side).Select(i => (float)(i * n + i % 3)).ToArray(), side, side);
            }
        }
    }

    [Theory]
    [InlineData(DatasetKind.DeepLense)]
    [InlineData(DatasetKind.Lsst)]
    public void A_reader_without_a_path_is_an_argument_error(DatasetKind kind)
    {
        var error = Assert.Throws<ArgumentException>(() => _loader.Load(new DatasetOptions { Kind = kind }));

        Assert.Contains("Path", error.Message);
    }

    [Fact]
    public void A_reader_error_surfaces_as_a_dataset_exception()
    {
        var missing = _temp.Combine("gone");

        var error = Assert.Throws<DatasetException>(() => _loader.Load(new DatasetOptions { Kind = DatasetKind.DeepLense, Path = missing }));

        Assert.Equal(missing, error.Path);
    }

    [Fact]
    public void Progress_reaches_the_total()
    {
        DeepLenseWriter.Write(new LensSimulator(SimulatorOptions.ModelII with { ImageSize = 8, PixelScale = 0.8 }).Generate(5, 0), _temp.Path);
        var reports = new List<LoadProgress>();
        var progress = new SynchronousProgress(reports);

        _loader.Load(new DatasetOptions { Kind = DatasetKind.DeepLense, Path = _temp.Path, ImageSize = 8 }, progress: progress);

        Assert.Contains(reports, r => r.Done == 15 && r.Total == 15);
    }

    private sealed class SynchronousProgress(List<LoadProgress> reports) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}

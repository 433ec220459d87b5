using LensSweep.Models.Data;
using LensSweep.Models.Data.DeepLense;
using LensSweep.Models.Data.Npy;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Data;

public sealed class DeepLenseReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static LensDataset Simulated(int perClass = 3) =>
        new LensSimulator(SimulatorOptions.ModelII with { ImageSize = 16, PixelScale = 0.4 }).Generate(perClass, seed: 5);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Written_dataset_reads_back_identical(bool twoDimensional)
    {
        var dataset = Simulated();
        DeepLenseWriter.Write(dataset, _temp.Path, twoDimensional);

        var read = DeepLenseReader.Read(_temp.Path).Dataset;

        Assert.Equal(dataset.ClassNames, read.ClassNames);
        Assert.Equal(dataset.Labels, read.Labels);
        Assert.Equal((1, 16, 16), (read.Channels, read.Height, read.Width));
        Assert.Equal(dataset.Images, read.Images);
    }

    [Fact]
    public void Writer_lays_out_class_folders_of_indexed_files()
    {
        DeepLenseWriter.Write(Simulated(2), _temp.Path);

        Assert.True(File.Exists(_temp.Combine("axion", "1.npy")));
        Assert.Equal([1, 16, 16], NpyFile.Read(_temp.Combine("cdm", "0.npy")).Shape);
    }

    [Fact]
    public void Pickled_axion_files_are_read_with_their_mass()
    {
        var image = Enumerable.Range(0, 16).Select(i => (double)i).ToArray();
        _temp.CreateFolder("axion");
        File.WriteAllBytes(_temp.Combine("axion", "axion_sim_1.npy"), NumpyPickle.ObjectArrayFile(image, 4, 4, 3e-23));
        _temp.CreateFolder("no_sub");
        NpyFile.Write(_temp.Combine("no_sub", "no_sub_sim_1.npy"), image, [4, 4]);

        var read = DeepLenseReader.Read(_temp.Path);

        Assert.Equal(["no_sub", "axion"], read.Dataset.ClassNames);
        Assert.Equal(image.Select(v => (float)v), read.Dataset.Image(1).ToArray());
        Assert.Equal(3e-23, read.Extras[1]);
        Assert.True(double.IsNaN(read.Extras[0]));
        Assert.Equal(3e-23, read.Dataset.Truths!.Columns[LensTruths.AxionMass][1]);
    }

    [Fact]
    public void A_written_dataset_reads_back_its_truths_from_its_truth_file()
    {
        var dataset = new LensSimulator(SimulatorOptions.VariedMacroLens with { ImageSize = 16, PixelScale = 0.4 }).Generate(3, seed: 5);
        DeepLenseWriter.Write(dataset, _temp.Path);

        var read = DeepLenseReader.Read(_temp.Path).Dataset;

        Assert.True(File.Exists(_temp.Combine(TruthFile.FileName)));
        foreach (var (name, column) in dataset.Truths!.Columns)
        {
            Assert.Equal(column, read.Truths!.Columns[name]);
        }
    }

    [Fact]
    public void A_folder_without_a_truth_file_or_pickled_masses_has_no_truths()
    {
        DeepLenseWriter.Write(Simulated(), _temp.Path);
        File.Delete(_temp.Combine(TruthFile.FileName));

        Assert.Null(DeepLenseReader.Read(_temp.Path).Dataset.Truths);
    }

    [Fact]
    public void A_truth_file_cell_that_is_not_a_number_is_refused_naming_its_line_and_column()
    {
        DeepLenseWriter.Write(Simulated(1), _temp.Path);
        File.WriteAllText(_temp.Combine(TruthFile.FileName), "file,theta_e\nno_sub/0.npy,1.2\ncdm/0.npy,big\n");

        var error = Assert.Throws<DatasetException>(() => DeepLenseReader.Read(_temp.Path));

        Assert.Contains("line 3", error.Message);
        Assert.Contains("theta_e", error.Message);
    }

    [Fact]
    public void A_truth_file_fills_only_the_images_it_lists()
    {
        DeepLenseWriter.Write(Simulated(1), _temp.Path);
        File.WriteAllText(_temp.Combine(TruthFile.FileName), "file,theta_e,unknown_column\ncdm/0.npy,1.5,7\n");

        var truths = DeepLenseReader.Read(_temp.Path).Dataset.Truths!;

        Assert.Equal([LensTruths.ThetaE], truths.Columns.Keys);
        Assert.Equal([double.NaN, 1.5, double.NaN], truths.Columns[LensTruths.ThetaE]);
    }

    [Fact]
    public void Channels_last_files_are_transposed_to_channels_first()
    {
        _temp.CreateFolder("a");
        // (H=20, W=20, C=3) with value = channel index.
        var data = Enumerable.Range(0, 20 * 20 * 3).Select(i => (float)(i % 3)).ToArray();
        NpyFile.Write(_temp.Combine("a", "0.npy"), data, [20, 20, 3]);

        var read = DeepLenseReader.Read(_temp.Path).Dataset;

        Assert.Equal(3, read.Channels);
        Assert.All(read.Image(0)[400..800].ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Mixed_shapes_across_files_name_the_odd_file_and_both_shapes()
    {
        _temp.CreateFolder("cdm");
        NpyFile.Write(_temp.Combine("cdm", "0.npy"), new float[64], [8, 8]);
        NpyFile.Write(_temp.Combine("cdm", "1.npy"), new float[36], [6, 6]);

        var error = Assert.Throws<DatasetException>(() => DeepLenseReader.Read(_temp.Path));

        Assert.EndsWith("1.npy", error.Path);
        Assert.Contains("1×6×6", error.Problem);
        Assert.Contains("1×8×8", error.Problem);
    }

    [Theory]
    [InlineData(new[] { 64 })]
    [InlineData(new[] { 1, 1, 8, 8 })]
    [InlineData(new[] { 32, 32, 32 })]
    public void A_non_image_shape_is_rejected(int[] shape)
    {
        _temp.CreateFolder("cdm");
        NpyFile.Write(_temp.Combine("cdm", "0.npy"), new float[shape.Aggregate(1, (a, d) => a * d)], shape);

        var error = Assert.Throws<DatasetException>(() => DeepLenseReader.Read(_temp.Path));

        Assert.Contains("not an image", error.Problem);
    }

    [Fact]
    public void Every_unreadable_file_is_named_with_its_own_problem_not_only_the_first()
    {
        DeepLenseWriter.Write(Simulated(), _temp.Path);
        var broken = new[] { _temp.Combine("cdm", "1.npy"), _temp.Combine("axion", "2.npy"), _temp.Combine("no_sub", "0.npy") };
        foreach (var path in broken)
        {
            File.WriteAllBytes(path, [0x93, (byte)'N', (byte)'U', 0]);
        }

        var error = Assert.Throws<DatasetException>(() => DeepLenseReader.Read(_temp.Path));

        Assert.Equal(broken.Order(StringComparer.Ordinal), error.Files.Select(f => f.Path));
        Assert.All(error.Files, f => Assert.False(string.IsNullOrWhiteSpace(f.Problem)));
        Assert.Contains("3 files cannot be read", error.Problem);
    }

    [Fact]
    public void A_single_unreadable_file_is_the_error_itself()
    {
        DeepLenseWriter.Write(Simulated(), _temp.Path);
        var broken = _temp.Combine("cdm", "1.npy");
        File.WriteAllBytes(broken, [1, 2, 3]);

        var error = Assert.Throws<DatasetException>(() => DeepLenseReader.Read(_temp.Path));

        Assert.Equal(broken, error.Path);
        Assert.Same(error, Assert.Single(error.Files));
    }

    [Fact]
    public void An_empty_class_folder_is_named()
    {
        _temp.CreateFolder("no_sub");
        NpyFile.Write(_temp.Combine("no_sub", "0.npy"), new float[4], [2, 2]);
        var empty = _temp.CreateFolder("cdm");

        var error = Assert.Throws<DatasetException>(() => DeepLenseReader.Read(_temp.Path));

        Assert.Equal(empty, error.Path);
        Assert.Contains("no .npy files", error.Problem);
    }

    [Fact]
    public void A_missing_root_folder_is_named()
    {
        var missing = _temp.Combine("nowhere");

        var error = Assert.Throws<DatasetException>(() => DeepLenseReader.Read(missing));

        Assert.Equal(missing, error.Path);
        Assert.Contains("not found", error.Problem);
    }

    [Fact]
    public void A_requested_class_without_a_folder_is_named()
    {
        _temp.CreateFolder("no_sub");
        NpyFile.Write(_temp.Combine("no_sub", "0.npy"), new float[4], [2, 2]);

        var error = Assert.Throws<DatasetException>(() => DeepLenseReader.Read(_temp.Path, ["no_sub", "axion"]));

        Assert.Contains("'axion' not found", error.Problem);
    }

    [Fact]
    public void Other_files_in_class_folders_are_skipped_and_counted()
    {
        DeepLenseWriter.Write(Simulated(2), _temp.Path);
        File.WriteAllText(_temp.Combine("cdm", "README.txt"), "notes");
        File.WriteAllText(_temp.Combine("axion", ".DS_Store"), "");

        var read = DeepLenseReader.Read(_temp.Path);

        Assert.Equal(6, read.Dataset.Count);
        Assert.Equal(2, read.SkippedFiles);
    }

    [Fact]
    public void A_capped_load_takes_the_same_seeded_subset_each_time()
    {
        DeepLenseWriter.Write(Simulated(10), _temp.Path);

        var first = DeepLenseReader.Read(_temp.Path, imagesPerClass: 4, seed: 3).Dataset;
        var again = DeepLenseReader.Read(_temp.Path, imagesPerClass: 4, seed: 3).Dataset;
        var other = DeepLenseReader.Read(_temp.Path, imagesPerClass: 4, seed: 4).Dataset;

        Assert.Equal(12, first.Count);
        Assert.Equal(first.Images, again.Images);
        Assert.NotEqual(first.Images, other.Images);
    }
}

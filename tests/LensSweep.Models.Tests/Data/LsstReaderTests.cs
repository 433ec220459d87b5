using LensSweep.Models.Data;
using LensSweep.Models.Data.Fits;
using LensSweep.Models.Data.Lsst;

namespace LensSweep.Models.Tests.Data;

public sealed class LsstReaderTests : IDisposable
{
    private const int Side = 41;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Band b of object o: a ramp offset by 100·b + 1000·o, so every pixel says where it came from.</summary>
    private static float[] Cutout(int objectNumber, int band) =>
        Enumerable.Range(0, Side * Side).Select(i => i + 100f * band + 1000f * objectNumber).ToArray();

    private void WriteObject(string folder, string id, int objectNumber, IEnumerable<string>? bands = null, char type = 'E')
    {
        Directory.CreateDirectory(folder);
        foreach (var band in bands ?? LsstReader.Bands)
        {
            var b = LsstReader.Bands.ToList().IndexOf(band);
            FitsWriter.WriteBandTable(Path.Combine(folder, $"{id}_{band}.fits"), id, $"band_{band}", Cutout(objectNumber, b), Side, Side, type);
        }
    }

    [Fact]
    public void Band_files_round_trip_into_five_channel_images_labelled_by_L_or_N()
    {
        WriteObject(_temp.Combine("lenses"), "D1_L_00000001", 1);
        WriteObject(_temp.Combine("lenses"), "D2_L_00000002", 2, type: 'D');
        WriteObject(_temp.Combine("others"), "D1_N_00000003", 3);

        var data = LsstReader.Read(_temp.Path).Dataset;

        Assert.Equal(["non_lens", "lens"], data.ClassNames);
        Assert.Equal([0, 1, 1], data.Labels);
        Assert.Equal((5, Side, Side), (data.Channels, data.Height, data.Width));
        Assert.Equal(Cutout(3, 0), data.Image(0)[..(Side * Side)].ToArray());
        Assert.Equal(Cutout(2, 4), data.Image(2)[(4 * Side * Side)..].ToArray());
    }

    [Fact]
    public void A_missing_band_file_names_the_object_and_the_band()
    {
        WriteObject(_temp.Path, "D1_L_00000001", 1);
        WriteObject(_temp.Path, "D1_N_00000002", 2, ["g", "r", "z", "y"]);

        var error = Assert.Throws<DatasetException>(() => LsstReader.Read(_temp.Path));

        Assert.Contains("D1_N_00000002", error.Problem);
        Assert.Contains("D1_N_00000002_i.fits", error.Problem);
    }

    [Fact]
    public void A_file_that_is_not_FITS_is_named()
    {
        WriteObject(_temp.Path, "D1_L_00000001", 1);
        WriteObject(_temp.Path, "D1_N_00000002", 2);
        var bad = _temp.Combine("D1_N_00000002_r.fits");
        File.WriteAllText(bad, "<html>not found</html>");

        var error = Assert.Throws<DatasetException>(() => LsstReader.Read(_temp.Path));

        Assert.Equal(bad, error.Path);
        Assert.Contains("not a FITS file", error.Problem);
    }

    [Fact]
    public void A_truncated_FITS_file_is_named()
    {
        WriteObject(_temp.Path, "D1_L_00000001", 1);
        WriteObject(_temp.Path, "D1_N_00000002", 2);
        var cut = _temp.Combine("D1_L_00000001_z.fits");
        File.WriteAllBytes(cut, File.ReadAllBytes(cut)[..(2 * FitsFile.BlockSize + 100)]);

        var error = Assert.Throws<DatasetException>(() => LsstReader.Read(_temp.Path));

        Assert.Equal(cut, error.Path);
        Assert.Contains("truncated", error.Problem);
    }

    [Fact]
    public void A_table_without_the_band_column_lists_the_columns_it_has()
    {
        var path = _temp.Combine("x.fits");
        FitsWriter.WriteBandTable(path, "D1_L_1", "flux", Cutout(0, 0), Side, Side);

        var error = Assert.Throws<DatasetException>(() => BandImage.Read(path, "g"));

        Assert.Contains("band_g", error.Problem);
        Assert.Contains("flux", error.Problem);
    }

    [Fact]
    public void Without_TDIM_a_square_cutout_is_inferred()
    {
        var path = _temp.Combine("x.fits");
        FitsWriter.WriteBandTable(path, "D1_L_1", "band_r", Cutout(0, 1), Side, Side, withTdim: false);

        var image = BandImage.Read(path, "r");

        Assert.Equal((Side, Side), (image.Height, image.Width));
    }

    [Fact]
    public void A_primary_image_HDU_is_read_when_there_is_no_table()
    {
        var path = _temp.Combine("img.fits");
        var pixels = Enumerable.Range(0, 6 * 4).Select(i => (float)i).ToArray();
        FitsWriter.WriteImage(path, pixels, height: 6, width: 4);

        var image = BandImage.Read(path, "g");

        Assert.Equal((6, 4), (image.Height, image.Width));
        Assert.Equal(pixels, image.Pixels);
    }

    [Fact]
    public void Files_with_other_names_are_skipped_and_counted()
    {
        WriteObject(_temp.Path, "D1_L_00000001", 1);
        WriteObject(_temp.Path, "D1_N_00000002", 2);
        File.WriteAllText(_temp.Combine("parameters.fits"), "x");

        var read = LsstReader.Read(_temp.Path);

        Assert.Equal(1, read.SkippedFiles);
        Assert.Equal(2, read.Dataset.Count);
    }

    [Fact]
    public void A_class_with_no_objects_is_named()
    {
        WriteObject(_temp.Path, "D1_L_00000001", 1);

        var error = Assert.Throws<DatasetException>(() => LsstReader.Read(_temp.Path));

        Assert.Contains("no non_lens objects", error.Problem);
    }
}

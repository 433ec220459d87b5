using LensSweep.Models.Data;
using LensSweep.Models.Data.Npy;

namespace LensSweep.Models.Tests.Data;

/// <summary>DeepLense axion files: np.save of the object array [image, axion_mass].</summary>
public sealed class PickledArrayTests
{
    private static double[] Image(int h, int w) => Enumerable.Range(0, h * w).Select(i => Math.Sin(i) * 3).ToArray();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Object_array_yields_the_image_and_the_axion_mass(int protocol)
    {
        var image = Image(3, 4);

        var read = NpyFile.Parse("axion.npy", NumpyPickle.ObjectArrayFile(image, 3, 4, 6.835932849583796e-23, protocol));

        Assert.Equal([3, 4], read.Shape);
        Assert.Equal(image.Select(v => (float)v), read.Data);
        Assert.Equal([6.835932849583796e-23], read.Extras);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Numpy_scalar_mass_is_read_as_a_number(int protocol)
    {
        var read = NpyFile.Parse("axion.npy", NumpyPickle.ObjectArrayFile(Image(2, 2), 2, 2, 2.75e-24, protocol, massAsNumpyScalar: true));

        Assert.Equal([2.75e-24], read.Extras);
    }

    [Fact]
    public void Full_size_64x64_image_uses_long_bytes_and_reads_back()
    {
        var image = Image(64, 64);

        var read = NpyFile.Parse("axion.npy", NumpyPickle.ObjectArrayFile(image, 64, 64, 1e-23));

        Assert.Equal([64, 64], read.Shape);
        Assert.Equal((float)image[4095], read.Data[4095]);
    }

    [Fact]
    public void Numpy_2_module_name_is_accepted()
    {
        var read = NpyFile.Parse("axion.npy", NumpyPickle.ObjectArrayFile(Image(2, 2), 2, 2, 1e-23, 4, massAsNumpyScalar: true, module: "numpy._core.multiarray"));

        Assert.Equal(4, read.Data.Length);
    }

    [Fact]
    public void A_pickle_that_calls_anything_but_numpy_is_refused()
    {
        var bytes = NumpyPickle.ObjectArrayFile(Image(2, 2), 2, 2, 1e-23);
        var text = System.Text.Encoding.Latin1.GetString(bytes).Replace("numpy\ndtype\n", "posix\nsystem\n");

        var error = Assert.Throws<DatasetException>(() => NpyFile.Parse("evil.npy", System.Text.Encoding.Latin1.GetBytes(text)));

        Assert.Contains("posix.system", error.Problem);
    }

    [Fact]
    public void Truncated_pickle_is_reported_as_truncated()
    {
        var bytes = NumpyPickle.ObjectArrayFile(Image(8, 8), 8, 8, 1e-23);

        var error = Assert.Throws<DatasetException>(() => NpyFile.Parse("cut.npy", bytes[..^100]));

        Assert.Contains("truncated", error.Problem);
    }
}

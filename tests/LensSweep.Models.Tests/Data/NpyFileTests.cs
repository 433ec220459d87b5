using System.Buffers.Binary;
using LensSweep.Models.Data;
using LensSweep.Models.Data.Npy;

namespace LensSweep.Models.Tests.Data;

public sealed class NpyFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static float[] Ramp(int count) => Enumerable.Range(0, count).Select(i => i * 0.25f - 3f).ToArray();

    [Theory]
    [InlineData(new[] { 5, 7 })]
    [InlineData(new[] { 1, 5, 7 })]
    [InlineData(new[] { 3, 4, 4 })]
    public void Float32_round_trips_with_its_shape(int[] shape)
    {
        var data = Ramp(shape.Aggregate(1, (a, d) => a * d));
        var path = _temp.Combine("a.npy");
        NpyFile.Write(path, data, shape);

        var read = NpyFile.Read(path);

        Assert.Equal(shape, read.Shape);
        Assert.Equal("<f4", read.DType);
        Assert.Equal(data, read.Data);
    }

    [Fact]
    public void Float64_round_trips_rounded_to_float32()
    {
        var data = Enumerable.Range(0, 12).Select(i => Math.PI * i).ToArray();
        var path = _temp.Combine("d.npy");
        NpyFile.Write(path, data, [3, 4]);

        var read = NpyFile.Read(path);

        Assert.Equal("<f8", read.DType);
        Assert.Equal(data.Select(d => (float)d), read.Data);
    }

    [Fact]
    public void Written_header_is_padded_to_64_bytes_and_ends_in_a_newline()
    {
        var header = NpyFile.Header("<f4", [64, 64]);

        Assert.Equal(0, header.Length % 64);
        Assert.Equal((byte)'\n', header[^1]);
        Assert.Equal(header.Length - 10, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
    }

    [Fact]
    public void Big_endian_data_is_read_in_its_byte_order()
    {
        var data = Ramp(6);
        var raw = new byte[24];
        for (var k = 0; k < 6; k++)
        {
            BinaryPrimitives.WriteSingleBigEndian(raw.AsSpan(k * 4), data[k]);
        }

        var read = NpyFile.Parse("be.npy", [.. NpyFile.Header(">f4", [2, 3]), .. raw]);

        Assert.Equal(data, read.Data);
    }

    [Fact]
    public void Fortran_order_data_is_returned_in_C_order()
    {
        // C-order [[0,1,2],[3,4,5]] stored column by column: 0,3,1,4,2,5.
        var columnMajor = new double[] { 0, 3, 1, 4, 2, 5 };
        var raw = new byte[48];
        for (var k = 0; k < 6; k++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(k * 8), columnMajor[k]);
        }

        var read = NpyFile.Parse("f.npy", [.. NpyFile.Header("<f8", [2, 3], fortranOrder: true), .. raw]);

        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, read.Data);
    }

    [Fact]
    public void Integer_counts_are_converted_to_float()
    {
        var raw = new byte[32];
        for (var k = 0; k < 4; k++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(k * 8), 100 * k);
        }

        var read = NpyFile.Parse("counts.npy", [.. NpyFile.Header("<i8", [2, 2]), .. raw]);

        Assert.Equal(new float[] { 0, 100, 200, 300 }, read.Data);
    }

    [Fact]
    public void Truncated_data_names_the_file_and_the_missing_bytes()
    {
        var path = _temp.Combine("short.npy");
        NpyFile.Write(path, Ramp(64), [8, 8]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        var error = Assert.Throws<DatasetException>(() => NpyFile.Read(path));

        Assert.Equal(path, error.Path);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("256", error.Message);
    }

    [Fact]
    public void Truncated_header_is_reported_as_truncated()
    {
        var header = NpyFile.Header("<f4", [8, 8]);

        var error = Assert.Throws<DatasetException>(() => NpyFile.Parse("cut.npy", header[..40]));

        Assert.Contains("truncated", error.Problem);
    }

    [Fact]
    public void A_file_without_the_numpy_magic_is_rejected()
    {
        var path = _temp.Combine("fake.npy");
        File.WriteAllText(path, "this is not numpy data at all");

        var error = Assert.Throws<DatasetException>(() => NpyFile.Read(path));

        Assert.Contains("not a .npy file", error.Message);
        Assert.StartsWith(path, error.Message);
    }

    [Theory]
    [InlineData("<c8")]
    [InlineData("<U10")]
    [InlineData("|b1")]
    public void Unsupported_dtype_is_named(string descr)
    {
        var error = Assert.Throws<DatasetException>(() => NpyFile.Parse("x.npy", [.. NpyFile.Header(descr, [2]), .. new byte[80]]));

        Assert.Contains("unsupported dtype", error.Problem);
        Assert.Contains(descr, error.Problem);
    }

    [Fact]
    public void Structured_dtype_is_rejected_as_unsupported()
    {
        var header = System.Text.Encoding.Latin1.GetString(NpyFile.Header("<f4", [2])).Replace("'<f4'", "[('x', '<f4')]");

        var error = Assert.Throws<DatasetException>(() => NpyFile.Parse("rec.npy", [.. System.Text.Encoding.Latin1.GetBytes(header), .. new byte[8]]));

        Assert.Contains("unsupported dtype", error.Problem);
    }

    [Fact]
    public void Header_without_a_shape_is_rejected()
    {
        var header = NpyFile.Header("<f4", [2]);
        var text = System.Text.Encoding.Latin1.GetString(header).Replace("'shape'", "'shapf'");

        var error = Assert.Throws<DatasetException>(() => NpyFile.Parse("noshape.npy", System.Text.Encoding.Latin1.GetBytes(text)));

        Assert.Contains("'shape'", error.Problem);
    }

    [Fact]
    public void A_missing_file_is_a_dataset_error_naming_it()
    {
        var path = _temp.Combine("absent.npy");

        var error = Assert.Throws<DatasetException>(() => NpyFile.Read(path));

        Assert.Equal(path, error.Path);
    }
}

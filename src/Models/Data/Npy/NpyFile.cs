using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LensSweep.Models.Data.Npy;

/// <summary>
/// Reads and writes numpy's .npy format (versions 1.0–3.0): a magic string, a Python-literal header
/// giving dtype, order and shape, then the raw data. Object arrays (dtype <c>|O</c>) hold a pickle and go
/// through <see cref="PickledArrayReader"/>.
/// </summary>
public static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a numeric or pickled-object .npy file as float32 in C order.</summary>
    /// <exception cref="DatasetException">The file is missing, not .npy, truncated, or of an unsupported dtype.</exception>
    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(path, $"cannot read the file ({e.Message})", e);
        }

        return Parse(path, bytes);
    }

    /// <summary>Parses .npy bytes; <paramref name="path"/> only names the source in errors.</summary>
    public static NpyArray Parse(string path, byte[] bytes)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new DatasetException(path, bytes.Length < 6
                ? $"not a .npy file: only {bytes.Length} bytes, too short for the \\x93NUMPY magic"
                : "not a .npy file: it does not start with the \\x93NUMPY magic");
        }

        var major = bytes[6];
        int headerLength, headerStart;
        Encoding headerEncoding;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
                headerStart = 10;
                headerEncoding = Encoding.Latin1;
                break;
            case 2 or 3:
                if (bytes.Length < 12)
                {
                    throw new DatasetException(path, "truncated: the .npy header length is cut off");
                }

                headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
                headerStart = 12;
                headerEncoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
                break;
            default:
                throw new DatasetException(path, $"unsupported .npy format version {major}.{bytes[7]} (1.0–3.0 are supported)");
        }

        if (headerLength > bytes.Length - headerStart)
        {
            throw new DatasetException(path, $"truncated: the header claims {headerLength} bytes but the file has {bytes.Length - headerStart} after the preamble");
        }

        var header = headerEncoding.GetString(bytes, headerStart, headerLength);
        var dataStart = headerStart + headerLength;
        var descr = HeaderField(path, header, DescrPattern(), "descr");
        var fortran = HeaderField(path, header, FortranPattern(), "fortran_order") == "True";
        var shape = ParseShape(path, HeaderField(path, header, ShapePattern(), "shape"));

        if (descr is "|O" or "<O" or ">O" or "O")
        {
            return PickledArrayReader.Read(path, bytes, dataStart);
        }

        var type = NpyDType.Parse(descr)
            ?? throw new DatasetException(path, $"unsupported dtype '{descr}' (supported: {NpyDType.Supported})");
        var count = ElementCount(path, shape);
        var needed = (long)count * type.Size;
        if (bytes.Length - dataStart < needed)
        {
            throw new DatasetException(path, $"truncated: shape {FormatShape(shape)} of {descr} needs {needed} data bytes but the file holds {bytes.Length - dataStart}");
        }

        var data = new float[count];
        type.Decode(bytes.AsSpan(dataStart), data);
        return new NpyArray(shape, fortran ? FortranToC(data, shape) : data, descr, []);
    }

    /// <summary>Writes little-endian float32 in C order, header version 1.0 padded to 64 bytes as numpy does.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, IReadOnlyList<int> shape)
    {
        var bytes = new byte[data.Length * sizeof(float)];
        for (var k = 0; k < data.Length; k++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(k * 4), data[k]);
        }

        WriteRaw(path, "<f4", shape, data.Length, bytes);
    }

    /// <summary>Writes little-endian float64 in C order.</summary>
    public static void Write(string path, ReadOnlySpan<double> data, IReadOnlyList<int> shape)
    {
        var bytes = new byte[data.Length * sizeof(double)];
        for (var k = 0; k < data.Length; k++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(k * 8), data[k]);
        }

        WriteRaw(path, "<f8", shape, data.Length, bytes);
    }

    /// <summary>numpy's version-1.0 header for a numeric array: the dict literal, space-padded to a multiple of 64 with a final newline.</summary>
    public static byte[] Header(string descr, IReadOnlyList<int> shape, bool fortranOrder = false)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {FormatShape(shape)}, }}";
        var total = 10 + dict.Length + 1;
        var padded = (total + 63) / 64 * 64;
        var text = dict + new string(' ', padded - total) + "\n";
        var header = new byte[10 + text.Length];
        Magic.CopyTo(header);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        Encoding.Latin1.GetBytes(text, header.AsSpan(10));
        return header;
    }

    /// <summary>A shape as Python prints a tuple: <c>(64, 64)</c>, <c>(2,)</c>, <c>()</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => "(" + string.Join(", ", shape) + ")",
    };

    internal static int ElementCount(string path, IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
            if (count > Array.MaxLength)
            {
                throw new DatasetException(path, $"shape {FormatShape(shape)} is too large for one image");
            }
        }

        return (int)count;
    }

    /// <summary>Reorders column-major (Fortran) data to row-major.</summary>
    internal static float[] FortranToC(float[] data, int[] shape)
    {
        if (shape.Length < 2)
        {
            return data;
        }

        var result = new float[data.Length];
        var index = new int[shape.Length];
        var fortranStrides = new int[shape.Length];
        fortranStrides[0] = 1;
        for (var d = 1; d < shape.Length; d++)
        {
            fortranStrides[d] = fortranStrides[d - 1] * shape[d - 1];
        }

        for (var c = 0; c < result.Length; c++)
        {
            var offset = 0;
            for (var d = 0; d < shape.Length; d++)
            {
                offset += index[d] * fortranStrides[d];
            }

            result[c] = data[offset];
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return result;
    }

    private static void WriteRaw(string path, string descr, IReadOnlyList<int> shape, int count, byte[] data)
    {
        long expected = 1;
        foreach (var d in shape)
        {
            expected *= d;
        }

        if (expected != count)
        {
            throw new ArgumentException($"Shape {FormatShape(shape)} holds {expected} values but {count} were given.", nameof(shape));
        }

        using var stream = File.Create(path);
        stream.Write(Header(descr, shape));
        stream.Write(data);
    }

    private static string HeaderField(string path, string header, Regex pattern, string key)
    {
        var match = pattern.Match(header);
        return match.Success
            ? match.Groups[1].Value
            : throw new DatasetException(path, $"the .npy header has no readable '{key}' entry: {header.Trim()}");
    }

    private static int[] ParseShape(string path, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var shape = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].TrimEnd('L');
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
            {
                throw new DatasetException(path, $"the .npy header's shape ({text}) is not a tuple of sizes");
            }
        }

        return shape;
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LensSweep.Models.Data.Fits;

/// <summary>
/// Writes the two FITS shapes <see cref="FitsFile"/> reads back: a one-row BINTABLE after an empty primary HDU
/// (the LSST challenge's per-band files) and a 2-D float32 primary image. Big-endian, every header and data unit
/// padded to 2880 bytes, as the FITS standard requires.
/// </summary>
public static class FitsWriter
{
    private const int IdBytes = 20;

    /// <summary>An empty primary HDU, then a table of one row: the object id and the flattened cutout in <paramref name="column"/>.</summary>
    /// <param name="type">The cutout's TFORM type: <c>E</c> (float32) or <c>D</c> (float64).</param>
    /// <param name="withTdim">Write TDIM2 = (width,height); without it a reader must assume a square.</param>
    public static void WriteBandTable(string path, string objectId, string column, ReadOnlySpan<float> pixels, int height, int width, char type = 'E', bool withTdim = true)
    {
        if (type is not ('E' or 'D'))
        {
            throw new ArgumentException($"FITS column type '{type}' is not written here; use E or D.", nameof(type));
        }

        var primary = Header(Card("SIMPLE", "T"), Card("BITPIX", "8"), Card("NAXIS", "0"), Card("EXTEND", "T"));
        var size = type == 'D' ? 8 : 4;
        var rowBytes = IdBytes + pixels.Length * size;
        var cards = new List<string>
        {
            Card("XTENSION", Quote("BINTABLE")),
            Card("BITPIX", "8"),
            Card("NAXIS", "2"),
            Card("NAXIS1", Number(rowBytes)),
            Card("NAXIS2", "1"),
            Card("PCOUNT", "0"),
            Card("GCOUNT", "1"),
            Card("TFIELDS", "2"),
            Card("TTYPE1", Quote("id")),
            Card("TFORM1", Quote($"{IdBytes}A")),
            Card("TTYPE2", Quote(column)),
            Card("TFORM2", Quote($"{pixels.Length}{type}")),
        };
        if (withTdim)
        {
            cards.Add(Card("TDIM2", Quote($"({width},{height})")));
        }

        var data = new byte[rowBytes];
        Encoding.ASCII.GetBytes(objectId.PadRight(IdBytes).AsSpan(0, IdBytes), data);
        for (var k = 0; k < pixels.Length; k++)
        {
            if (type == 'D')
            {
                BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(IdBytes + k * 8), pixels[k]);
            }
            else
            {
                BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(IdBytes + k * 4), pixels[k]);
            }
        }

        File.WriteAllBytes(path, [.. primary, .. Header([.. cards]), .. Pad(data, 0)]);
    }

    /// <summary>A 2-D float32 image in the primary HDU.</summary>
    public static void WriteImage(string path, ReadOnlySpan<float> pixels, int height, int width)
    {
        var header = Header(Card("SIMPLE", "T"), Card("BITPIX", "-32"), Card("NAXIS", "2"), Card("NAXIS1", Number(width)), Card("NAXIS2", Number(height)));
        var data = new byte[pixels.Length * 4];
        for (var k = 0; k < pixels.Length; k++)
        {
            BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(k * 4), pixels[k]);
        }

        File.WriteAllBytes(path, [.. header, .. Pad(data, 0)]);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Fixed format: a string value starts in column 11, a number is right-aligned to column 30.
    private static string Card(string keyword, string value) =>
        value.StartsWith('\'')
            ? $"{keyword,-8}= {value}".PadRight(80)
            : $"{keyword,-8}= {value,20}".PadRight(80);

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal).PadRight(8) + "'";

    private static byte[] Header(params string[] cards) =>
        Pad(Encoding.ASCII.GetBytes(string.Concat(cards) + "END".PadRight(80)), (byte)' ');

    private static byte[] Pad(byte[] bytes, byte fill)
    {
        var padded = new byte[(bytes.Length + 2879) / 2880 * 2880];
        Array.Fill(padded, fill);
        bytes.CopyTo(padded, 0);
        return padded;
    }
}

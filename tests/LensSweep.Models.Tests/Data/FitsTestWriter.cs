using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LensSweep.Models.Tests.Data;

/// <summary>
/// Writes FITS files shaped like the LSST strong-lens challenge's: an empty primary HDU, then a one-row
/// BINTABLE with the object ID and the flattened cutout in a <c>band_{b}</c> column, big-endian,
/// every header and data unit padded to 2880 bytes.
/// </summary>
internal static class FitsTestWriter
{
    public static void WriteLsstBand(string path, string objectId, string band, float[] pixels, int height, int width, char type = 'E', bool withTdim = true, string? columnName = null)
    {
        var primary = Header(
            Card("SIMPLE", "T"),
            Card("BITPIX", "8"),
            Card("NAXIS", "0"),
            Card("EXTEND", "T"));

        var idBytes = 20;
        var size = type == 'D' ? 8 : 4;
        var rowBytes = idBytes + pixels.Length * size;
        var cards = new List<string>
        {
            Card("XTENSION", Quote("BINTABLE")),
            Card("BITPIX", "8"),
            Card("NAXIS", "2"),
            Card("NAXIS1", rowBytes.ToString(CultureInfo.InvariantCulture)),
            Card("NAXIS2", "1"),
            Card("PCOUNT", "0"),
            Card("GCOUNT", "1"),
            Card("TFIELDS", "2"),
            Card("TTYPE1", Quote("id")),
            Card("TFORM1", Quote($"{idBytes}A")),
            Card("TTYPE2", Quote(columnName ?? $"band_{band}")),
            Card("TFORM2", Quote($"{pixels.Length}{type}")),
        };
        if (withTdim)
        {
            cards.Add(Card("TDIM2", Quote($"({width},{height})")));
        }

        var table = Header([.. cards]);
        var data = new byte[rowBytes];
        Encoding.ASCII.GetBytes(objectId.PadRight(idBytes).AsSpan(0, idBytes), data);
        for (var k = 0; k < pixels.Length; k++)
        {
            if (type == 'D')
            {
                BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(idBytes + k * 8), pixels[k]);
            }
            else
            {
                BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(idBytes + k * 4), pixels[k]);
            }
        }

        File.WriteAllBytes(path, [.. primary, .. table, .. Pad(data, 0)]);
    }

    /// <summary>A 2-D float32 image in the primary HDU.</summary>
    public static void WriteImage(string path, float[] pixels, int height, int width)
    {
        var header = Header(
            Card("SIMPLE", "T"),
            Card("BITPIX", "-32"),
            Card("NAXIS", "2"),
            Card("NAXIS1", width.ToString(CultureInfo.InvariantCulture)),
            Card("NAXIS2", height.ToString(CultureInfo.InvariantCulture)));
        var data = new byte[pixels.Length * 4];
        for (var k = 0; k < pixels.Length; k++)
        {
            BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(k * 4), pixels[k]);
        }

        File.WriteAllBytes(path, [.. header, .. Pad(data, 0)]);
    }

    private static string Card(string keyword, string value) =>
        value.StartsWith('\'')
            ? $"{keyword,-8}= {value}".PadRight(80)
            : $"{keyword,-8}= {value,20}".PadRight(80);

    private static string Quote(string text) => "'" + text.Replace("'", "''").PadRight(8) + "'";

    private static byte[] Header(params string[] cards)
    {
        var text = string.Concat(cards) + "END".PadRight(80);
        return Pad(Encoding.ASCII.GetBytes(text), (byte)' ');
    }

    private static byte[] Pad(byte[] bytes, byte fill)
    {
        var padded = new byte[(bytes.Length + 2879) / 2880 * 2880];
        Array.Fill(padded, fill);
        bytes.CopyTo(padded, 0);
        return padded;
    }
}

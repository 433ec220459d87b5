using System.Buffers.Binary;
using System.Text;

namespace LensSweep.Models.Data.Fits;

/// <summary>
/// A minimal FITS reader: headers of 80-character cards in 2880-byte blocks, big-endian data, the
/// primary HDU plus IMAGE and BINTABLE extensions, which is all the LSST strong-lens challenge uses.
/// </summary>
public sealed class FitsFile
{
    public const int BlockSize = 2880;
    public const int CardSize = 80;

    private readonly byte[] _bytes;

    private FitsFile(string path, byte[] bytes, IReadOnlyList<FitsHdu> hdus)
    {
        Path = path;
        _bytes = bytes;
        Hdus = hdus;
    }

    public string Path { get; }

    public IReadOnlyList<FitsHdu> Hdus { get; }

    /// <exception cref="DatasetException">Missing, unreadable, not FITS, or truncated.</exception>
    public static FitsFile Read(string path)
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

    /// <summary>Parses FITS bytes; <paramref name="path"/> only names the source in errors.</summary>
    public static FitsFile Parse(string path, byte[] bytes)
    {
        if (bytes.Length < CardSize || !Encoding.ASCII.GetString(bytes, 0, 9).StartsWith("SIMPLE  =", StringComparison.Ordinal))
        {
            throw new DatasetException(path, "not a FITS file: it does not start with a SIMPLE card");
        }

        var hdus = new List<FitsHdu>();
        long at = 0;
        while (at < bytes.Length)
        {
            var (header, dataOffset) = ReadHeader(path, bytes, at);
            var dataLength = DataLength(path, header);
            var padded = (dataLength + BlockSize - 1) / BlockSize * BlockSize;
            if (dataLength > bytes.Length - dataOffset)
            {
                throw new DatasetException(path, $"truncated: HDU {hdus.Count} needs {dataLength} data bytes at offset {dataOffset} but the file is {bytes.Length} bytes");
            }

            hdus.Add(new FitsHdu(header, dataOffset, dataLength));
            at = dataOffset + padded;
            // Some writers leave a short tail; anything less than a block cannot hold another header.
            if (bytes.Length - at < BlockSize)
            {
                break;
            }
        }

        return new FitsFile(path, bytes, hdus);
    }

    /// <summary>The data bytes of an HDU (big-endian, unpadded).</summary>
    public ReadOnlySpan<byte> Data(FitsHdu hdu) => _bytes.AsSpan(checked((int)hdu.DataOffset), checked((int)hdu.DataLength));

    /// <summary>The table of the first BINTABLE extension that has a column named <paramref name="column"/>, or null.</summary>
    public FitsBinaryTable? FindTableWithColumn(string column)
    {
        foreach (var hdu in Hdus.Where(h => h.Extension == "BINTABLE"))
        {
            var table = FitsBinaryTable.From(this, hdu);
            if (table.FindColumn(column) is not null)
            {
                return table;
            }
        }

        return null;
    }

    /// <summary>The first HDU holding a 2-D image (primary or IMAGE extension) as float32 row-major, or null.</summary>
    public (float[] Pixels, int Height, int Width)? FirstImage()
    {
        foreach (var hdu in Hdus.Where(h => h.IsPrimary || h.Extension == "IMAGE"))
        {
            var axes = hdu.Header.Integer(Path, "NAXIS");
            if (axes != 2)
            {
                continue;
            }

            var width = checked((int)hdu.Header.Integer(Path, "NAXIS1"));
            var height = checked((int)hdu.Header.Integer(Path, "NAXIS2"));
            var type = FitsNumber.FromBitpix(Path, hdu.Header.Integer(Path, "BITPIX"));
            var pixels = new float[width * height];
            type.Decode(Data(hdu), pixels, hdu.Header.RealOr(Path, "BSCALE", 1), hdu.Header.RealOr(Path, "BZERO", 0));
            return (pixels, height, width);
        }

        return null;
    }

    private static (FitsHeader Header, long DataOffset) ReadHeader(string path, byte[] bytes, long start)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var block = start; ; block += BlockSize)
        {
            if (block + BlockSize > bytes.Length)
            {
                throw new DatasetException(path, $"truncated: header at offset {start} has no END card before the file ends at {bytes.Length} bytes");
            }

            for (var card = block; card < block + BlockSize; card += CardSize)
            {
                var text = Encoding.ASCII.GetString(bytes, (int)card, CardSize);
                var (keyword, value) = FitsHeader.ParseCard(text);
                if (keyword == "END")
                {
                    return (new FitsHeader(values), block + BlockSize);
                }

                if (value is not null)
                {
                    values.TryAdd(keyword, value);
                }
            }
        }
    }

    /// <summary>|BITPIX|/8 · GCOUNT · (PCOUNT + NAXIS1·…·NAXISn); no axes means no data.</summary>
    private static long DataLength(string path, FitsHeader header)
    {
        var axes = header.Integer(path, "NAXIS");
        if (axes is < 0 or > 999)
        {
            throw new DatasetException(path, $"FITS NAXIS = {axes} is out of range");
        }

        if (axes == 0)
        {
            return 0;
        }

        long product = 1;
        for (var n = 1; n <= axes; n++)
        {
            var size = header.Integer(path, $"NAXIS{n}");
            if (size < 0)
            {
                throw new DatasetException(path, $"FITS NAXIS{n} = {size} is negative");
            }

            product = checked(product * size);
        }

        var bits = Math.Abs(header.Integer(path, "BITPIX"));
        var groups = header.IntegerOr(path, "GCOUNT", 1);
        var parameters = header.IntegerOr(path, "PCOUNT", 0);
        return checked(bits / 8 * groups * (parameters + product));
    }
}

/// <summary>A FITS numeric type (image BITPIX or table TFORM letter) and its big-endian decoding.</summary>
internal readonly record struct FitsNumber(char Code, int Size)
{
    public static FitsNumber FromBitpix(string path, long bitpix) => bitpix switch
    {
        8 => new('B', 1),
        16 => new('I', 2),
        32 => new('J', 4),
        64 => new('K', 8),
        -32 => new('E', 4),
        -64 => new('D', 8),
        _ => throw new DatasetException(path, $"FITS BITPIX = {bitpix} is not a valid pixel type"),
    };

    public void Decode(ReadOnlySpan<byte> bytes, Span<float> destination, double scale = 1, double zero = 0)
    {
        for (var k = 0; k < destination.Length; k++)
        {
            var b = bytes.Slice(k * Size, Size);
            double raw = Code switch
            {
                'B' => b[0],
                'I' => BinaryPrimitives.ReadInt16BigEndian(b),
                'J' => BinaryPrimitives.ReadInt32BigEndian(b),
                'K' => BinaryPrimitives.ReadInt64BigEndian(b),
                'E' => BinaryPrimitives.ReadSingleBigEndian(b),
                'D' => BinaryPrimitives.ReadDoubleBigEndian(b),
                _ => throw new InvalidOperationException($"FITS type {Code} has no decoder"),
            };
            destination[k] = (float)(raw * scale + zero);
        }
    }
}

using System.Buffers.Binary;

namespace LensSweep.Models.Data.Npy;

/// <summary>A numeric numpy dtype (kind f/i/u, size, byte order) and its conversion to float32.</summary>
internal readonly record struct NpyDType(char Kind, int Size, bool BigEndian)
{
    /// <summary>Parses a descr such as <c>&lt;f4</c>, <c>&gt;f8</c> or <c>|u1</c>; null for one this reader cannot convert.</summary>
    public static NpyDType? Parse(string descr)
    {
        if (descr.Length < 3)
        {
            return null;
        }

        var order = descr[0];
        var kind = descr[1];
        if (!int.TryParse(descr.AsSpan(2), out var size))
        {
            return null;
        }

        var bigEndian = order switch
        {
            '<' or '|' or '=' => false,
            '>' => true,
            _ => (bool?)null,
        };
        if (bigEndian is null)
        {
            return null;
        }

        var supported = kind switch
        {
            'f' => size is 2 or 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            _ => false,
        };
        return supported ? new NpyDType(kind, size, bigEndian.Value) : null;
    }

    public const string Supported = "float16/32/64 and (u)int8/16/32/64, either byte order";

    /// <summary>Converts <paramref name="destination"/>.Length values from <paramref name="bytes"/>.</summary>
    public void Decode(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        for (var k = 0; k < destination.Length; k++)
        {
            destination[k] = DecodeOne(bytes.Slice(k * Size, Size));
        }
    }

    private float DecodeOne(ReadOnlySpan<byte> b) => (Kind, Size, BigEndian) switch
    {
        ('f', 4, false) => BinaryPrimitives.ReadSingleLittleEndian(b),
        ('f', 4, true) => BinaryPrimitives.ReadSingleBigEndian(b),
        ('f', 8, false) => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        ('f', 8, true) => (float)BinaryPrimitives.ReadDoubleBigEndian(b),
        ('f', 2, false) => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
        ('f', 2, true) => (float)BinaryPrimitives.ReadHalfBigEndian(b),
        ('i', 1, _) => (sbyte)b[0],
        ('u', 1, _) => b[0],
        ('i', 2, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        ('i', 2, true) => BinaryPrimitives.ReadInt16BigEndian(b),
        ('u', 2, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        ('u', 2, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        ('i', 4, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        ('i', 4, true) => BinaryPrimitives.ReadInt32BigEndian(b),
        ('u', 4, false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        ('u', 4, true) => BinaryPrimitives.ReadUInt32BigEndian(b),
        ('i', 8, false) => BinaryPrimitives.ReadInt64LittleEndian(b),
        ('i', 8, true) => BinaryPrimitives.ReadInt64BigEndian(b),
        ('u', 8, false) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        ('u', 8, true) => BinaryPrimitives.ReadUInt64BigEndian(b),
        _ => throw new InvalidOperationException($"dtype {Kind}{Size} has no decoder"),
    };
}

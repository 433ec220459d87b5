using System.Buffers.Binary;

namespace LensSweep.Models.Data.Npy;

/// <summary>numpy.dtype as unpickled: its descr (<c>f8</c>, <c>O8</c>) and the byte order BUILD gives it.</summary>
internal sealed class PickledDType(string descr)
{
    public string Descr { get; } = descr;

    public string ByteOrder { get; set; } = "|";

    public bool IsObject => Descr.StartsWith('O');

    /// <summary>The numpy descr as a .npy header writes it, e.g. <c>&lt;f8</c>.</summary>
    public string FullDescr => (ByteOrder is "<" or ">" ? ByteOrder : "|") + Descr;

    public NpyDType? Numeric => NpyDType.Parse(FullDescr);

    public double? DecodeScalar(byte[] raw)
    {
        if (Numeric is not { } type || raw.Length != type.Size)
        {
            return null;
        }

        return (type.Kind, type.Size, type.BigEndian) switch
        {
            ('f', 8, false) => BinaryPrimitives.ReadDoubleLittleEndian(raw),
            ('f', 8, true) => BinaryPrimitives.ReadDoubleBigEndian(raw),
            _ => DecodeAsFloat(type, raw),
        };
    }

    private static double DecodeAsFloat(NpyDType type, byte[] raw)
    {
        Span<float> one = stackalloc float[1];
        type.Decode(raw, one);
        return one[0];
    }
}

/// <summary>numpy.ndarray as unpickled: filled in by BUILD with shape, dtype, order and data.</summary>
internal sealed class PickledNdArray
{
    public int[] Shape { get; set; } = [];

    public PickledDType? DType { get; set; }

    public bool FortranOrder { get; set; }

    public byte[]? Raw { get; set; }

    public List<object?>? Objects { get; set; }

    public bool IsObjectArray => DType?.IsObject == true || Objects is not null;

    public NpyArray ToNpyArray(string path, IReadOnlyList<double> extras)
    {
        if (DType is null || Raw is null)
        {
            throw new DatasetException(path, "pickled array has no numeric data");
        }

        var type = DType.Numeric ?? throw new DatasetException(path, $"unsupported dtype '{DType.FullDescr}' in pickled array (supported: {NpyDType.Supported})");
        var count = NpyFile.ElementCount(path, Shape);
        if ((long)count * type.Size != Raw.Length)
        {
            throw new DatasetException(path, $"pickled array of shape {NpyFile.FormatShape(Shape)} and dtype {DType.FullDescr} needs {(long)count * type.Size} bytes but holds {Raw.Length}");
        }

        var data = new float[count];
        type.Decode(Raw, data);
        return new NpyArray(Shape, FortranOrder ? NpyFile.FortranToC(data, Shape) : data, DType.FullDescr, extras);
    }
}

using System.Buffers.Binary;
using System.Text;

namespace LensSweep.Models.Data.Npy;

/// <summary>
/// Reads the pickle that <c>np.save(..., allow_pickle=True)</c> writes for an object array (numpy uses
/// protocol 3; protocols 2 and 4 are read too), such as DeepLense's axion files <c>[image, mass]</c>.
/// Only the opcodes and globals numpy emits for arrays, dtypes and scalars are understood: an unpickler
/// that calls arbitrary globals would execute whatever a file asks for, so anything else is rejected.
/// </summary>
internal sealed class PickledArrayReader
{
    private static readonly object Mark = new();

    private readonly string _path;
    private readonly byte[] _bytes;
    private int _at;
    private readonly List<object?> _stack = [];
    private readonly Dictionary<long, object?> _memo = [];

    private PickledArrayReader(string path, byte[] bytes, int start)
    {
        _path = path;
        _bytes = bytes;
        _at = start;
    }

    /// <summary>Reads the pickled object array starting at <paramref name="start"/> and returns its image.</summary>
    public static NpyArray Read(string path, byte[] bytes, int start)
    {
        var top = new PickledArrayReader(path, bytes, start).Run();
        if (top is not PickledNdArray array)
        {
            throw new DatasetException(path, $"pickled payload is a {Describe(top)}, not a numpy array");
        }

        return array.IsObjectArray ? ImageOf(path, array) : array.ToNpyArray(path, []);
    }

    /// <summary>The first numeric array inside an object array, with the numbers beside it as extras.</summary>
    private static NpyArray ImageOf(string path, PickledNdArray objects)
    {
        PickledNdArray? image = null;
        var extras = new List<double>();
        foreach (var item in objects.Objects ?? [])
        {
            switch (item)
            {
                case PickledNdArray inner when image is null && !inner.IsObjectArray:
                    image = inner;
                    break;
                case double d:
                    extras.Add(d);
                    break;
                case long l:
                    extras.Add(l);
                    break;
            }
        }

        return image?.ToNpyArray(path, extras)
            ?? throw new DatasetException(path, $"object array of {objects.Objects?.Count ?? 0} items holds no numeric image array");
    }

    private object? Run()
    {
        while (true)
        {
            var opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: // PROTO
                    var protocol = ReadByte();
                    if (protocol is < 2 or > 5)
                    {
                        Fail($"pickle protocol {protocol} is not supported (numpy writes 2–4)");
                    }

                    break;
                case 0x95: // FRAME: a length hint only
                    Take(8);
                    break;
                case (byte)'.': // STOP
                    return Pop();
                case (byte)'(':
                    _stack.Add(Mark);
                    break;
                case (byte)'c': // GLOBAL "module\nname\n"
                    _stack.Add(new PickleGlobal(ReadLine(), ReadLine()));
                    break;
                case 0x93: // STACK_GLOBAL
                    var name = PopString();
                    _stack.Add(new PickleGlobal(PopString(), name));
                    break;
                case (byte)'q': // BINPUT
                    _memo[ReadByte()] = Peek();
                    break;
                case (byte)'r': // LONG_BINPUT
                    _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek();
                    break;
                case 0x94: // MEMOIZE
                    _memo[_memo.Count] = Peek();
                    break;
                case (byte)'h': // BINGET
                    _stack.Add(Recall(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    _stack.Add(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))));
                    break;
                case (byte)'J': // BININT
                    _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                    break;
                case (byte)'K': // BININT1
                    _stack.Add((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                    break;
                case 0x8a: // LONG1: little-endian two's complement
                    _stack.Add(ReadLong1());
                    break;
                case (byte)'N':
                    _stack.Add(null);
                    break;
                case 0x88:
                    _stack.Add(true);
                    break;
                case 0x89:
                    _stack.Add(false);
                    break;
                case (byte)'G': // BINFLOAT, big-endian
                    _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;
                case (byte)'X': // BINUNICODE
                    _stack.Add(Encoding.UTF8.GetString(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    _stack.Add(Encoding.UTF8.GetString(Take(ReadByte())));
                    break;
                case 0x8d: // BINUNICODE8
                    _stack.Add(Encoding.UTF8.GetString(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))));
                    break;
                case (byte)'C': // SHORT_BINBYTES
                    _stack.Add(Take(ReadByte()).ToArray());
                    break;
                case (byte)'B': // BINBYTES
                    _stack.Add(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))).ToArray());
                    break;
                case 0x8e: // BINBYTES8
                    _stack.Add(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))).ToArray());
                    break;
                case (byte)'U': // SHORT_BINSTRING (Python 2 str): raw bytes
                    _stack.Add(Take(ReadByte()).ToArray());
                    break;
                case (byte)'T': // BINSTRING
                    _stack.Add(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))).ToArray());
                    break;
                case (byte)')':
                    _stack.Add(new PickleTuple([]));
                    break;
                case (byte)'t':
                    _stack.Add(new PickleTuple(PopToMark()));
                    break;
                case 0x85:
                    _stack.Add(new PickleTuple(PopMany(1)));
                    break;
                case 0x86:
                    _stack.Add(new PickleTuple(PopMany(2)));
                    break;
                case 0x87:
                    _stack.Add(new PickleTuple(PopMany(3)));
                    break;
                case (byte)']':
                    _stack.Add(new List<object?>());
                    break;
                case (byte)'l':
                    _stack.Add(new List<object?>(PopToMark()));
                    break;
                case (byte)'a': // APPEND
                    var item = Pop();
                    PeekList().Add(item);
                    break;
                case (byte)'e': // APPENDS
                    var items = PopToMark();
                    PeekList().AddRange(items);
                    break;
                case (byte)'}':
                    _stack.Add(new Dictionary<object, object?>());
                    break;
                case (byte)'s': // SETITEM
                    var value = Pop();
                    var key = Pop();
                    SetItem(key, value);
                    break;
                case (byte)'u': // SETITEMS
                    var pairs = PopToMark();
                    for (var i = 0; i + 1 < pairs.Length; i += 2)
                    {
                        SetItem(pairs[i], pairs[i + 1]);
                    }

                    break;
                case (byte)'R': // REDUCE
                    var args = Pop() as PickleTuple ?? throw Failure("REDUCE without an argument tuple");
                    var callable = Pop() as PickleGlobal ?? throw Failure("REDUCE on something that is not a global");
                    _stack.Add(Call(callable, args.Items));
                    break;
                case (byte)'b': // BUILD
                    var state = Pop();
                    Build(Peek(), state);
                    break;
                default:
                    Fail($"pickle opcode 0x{opcode:x2} at byte {_at - 1} is not one numpy writes for arrays");
                    break;
            }
        }
    }

    /// <summary>The only callables numpy's array pickles need; refusing all others keeps the reader safe.</summary>
    private object Call(PickleGlobal callable, object?[] args)
    {
        var (module, name) = (callable.Module, callable.Name);
        var multiarray = module is "numpy.core.multiarray" or "numpy._core.multiarray";
        if (multiarray && name == "_reconstruct")
        {
            return new PickledNdArray();
        }

        if (module == "numpy" && name == "dtype" && args is [string descr, ..])
        {
            return new PickledDType(descr);
        }

        if (multiarray && name == "scalar" && args is [PickledDType dtype, byte[] raw])
        {
            return dtype.DecodeScalar(raw) ?? throw Failure($"numpy scalar of dtype {dtype.Descr} is not a number");
        }

        if (module == "_codecs" && name == "encode" && args is [string text, "latin1" or "latin-1"])
        {
            // Protocol 2 has no bytes type: numpy's raw buffer arrives as a latin-1 str re-encoded on load.
            var bytes = new byte[text.Length];
            for (var i = 0; i < text.Length; i++)
            {
                bytes[i] = text[i] <= 0xFF ? (byte)text[i] : throw Failure("latin-1 payload holds a character above U+00FF");
            }

            return bytes;
        }

        throw Failure($"pickle calls {module}.{name}, which is not part of a numpy array; refusing to read it");
    }

    private void Build(object? target, object? state)
    {
        switch (target, state)
        {
            case (PickledNdArray array, PickleTuple { Items: [_, PickleTuple shape, PickledDType dtype, bool fortran, var data] }):
                array.Shape = shape.Items.Select(d => d is long n and >= 0 and <= int.MaxValue ? (int)n : throw Failure($"array dimension {d} is not a size")).ToArray();
                array.DType = dtype;
                array.FortranOrder = fortran;
                array.Raw = data as byte[];
                array.Objects = data as List<object?>;
                if (array.Raw is null && array.Objects is null)
                {
                    Fail($"array data is a {Describe(data)}, neither bytes nor a list");
                }

                break;
            case (PickledDType dtype, PickleTuple { Items: [_, string byteOrder, ..] }):
                dtype.ByteOrder = byteOrder;
                break;
            default:
                Fail($"BUILD of a {Describe(target)} from a {Describe(state)} is not a numpy array or dtype");
                break;
        }
    }

    private void SetItem(object? key, object? value)
    {
        if (Peek() is not Dictionary<object, object?> dict || key is null)
        {
            Fail("SETITEM outside a dictionary");
            return;
        }

        dict[key] = value;
    }

    private long ReadLong1()
    {
        var n = ReadByte();
        if (n > 8)
        {
            Fail($"integer of {n} bytes is too large");
        }

        var bytes = Take(n);
        long value = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0)
        {
            value -= 1L << (8 * n);
        }

        return value;
    }

    private string ReadLine()
    {
        var end = Array.IndexOf(_bytes, (byte)'\n', _at);
        if (end < 0)
        {
            Fail("truncated: GLOBAL name has no line end");
        }

        var text = Encoding.ASCII.GetString(_bytes, _at, end - _at);
        _at = end + 1;
        return text;
    }

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _at > _bytes.Length - count)
        {
            Fail($"truncated: pickle needs {count} more bytes at byte {_at} but the file ends at {_bytes.Length}");
        }

        var span = _bytes.AsSpan(_at, count);
        _at += count;
        return span;
    }

    private int Length(ulong length) => length <= int.MaxValue ? (int)length : throw Failure($"pickle item of {length} bytes is larger than the file");

    private object? Recall(long key) => _memo.TryGetValue(key, out var value) ? value : throw Failure($"pickle refers to memo {key} that was never stored");

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Failure("pickle stack is empty");

    private List<object?> PeekList() => Peek() as List<object?> ?? throw Failure("APPEND outside a list");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        if (ReferenceEquals(value, Mark))
        {
            Fail("pickle pops a MARK as a value");
        }

        return value;
    }

    private string PopString() => Pop() as string ?? throw Failure("STACK_GLOBAL without string names");

    private object?[] PopMany(int count)
    {
        if (_stack.Count < count)
        {
            Fail("pickle stack underflow");
        }

        var items = _stack.GetRange(_stack.Count - count, count).ToArray();
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private object?[] PopToMark()
    {
        var mark = _stack.FindLastIndex(o => ReferenceEquals(o, Mark));
        if (mark < 0)
        {
            Fail("pickle has no MARK to close");
        }

        var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private static string Describe(object? value) => value?.GetType().Name ?? "None";

    private DatasetException Failure(string problem) => new(_path, $"pickled object array: {problem}");

    private void Fail(string problem) => throw Failure(problem);

    private sealed record PickleGlobal(string Module, string Name);

    private sealed record PickleTuple(object?[] Items);
}

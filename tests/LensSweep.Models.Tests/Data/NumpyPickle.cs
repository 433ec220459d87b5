using System.Buffers.Binary;
using System.Text;
using LensSweep.Models.Data.Npy;

namespace LensSweep.Models.Tests.Data;

/// <summary>
/// Writes the bytes numpy writes for <c>np.save(path, np.array([image, mass], dtype=object), allow_pickle=True)</c>:
/// the .npy header with descr '|O', then the pickle of the object array. Protocol 3 is what np.save uses
/// (numpy 1.x, format.write_array) and is byte-identical to numpy 1.24's output; protocols 2 and 4 follow
/// what pickle.dump(array, protocol=2|4) emits (latin-1 str payloads; frames, MEMOIZE, STACK_GLOBAL).
/// </summary>
internal static class NumpyPickle
{
    public static byte[] ObjectArrayFile(double[] image, int height, int width, double mass, int protocol = 3, bool massAsNumpyScalar = false, string module = "numpy.core.multiarray")
    {
        var pickle = ObjectArrayPickle(image, height, width, mass, protocol, massAsNumpyScalar, module);
        return [.. NpyFile.Header("|O", [2]), .. pickle];
    }

    public static byte[] ObjectArrayPickle(double[] image, int height, int width, double mass, int protocol, bool massAsNumpyScalar, string module = "numpy.core.multiarray")
    {
        var p = new Builder(protocol);
        var reconstruct = p.Global(module, "_reconstruct");
        var ndarray = p.Global("numpy", "ndarray");
        p.Int(0).Op(0x85).Memo();
        int codecs = -1, latin1 = -1;
        int b;
        if (protocol == 2)
        {
            codecs = p.Global("_codecs", "encode");
            p.Unicode("b");
            p.Memo();
            p.Unicode("latin1");
            latin1 = p.MemoId();
            p.Op(0x86).Memo();
            p.Op((byte)'R');
            b = p.MemoId();
        }
        else
        {
            p.Bytes([(byte)'b']);
            b = p.MemoId();
        }

        p.Op(0x87).Memo().Op((byte)'R').Memo();
        // State of the outer object array: (1, (2,), dtype('O8'), False, [items])
        p.Op((byte)'(').Int(1).Int(2).Op(0x85).Memo();
        var dtype = p.Global("numpy", "dtype");
        p.Unicode("O8").Memo().Op(0x89).Op(0x88).Op(0x87).Memo().Op((byte)'R').Memo();
        p.Op((byte)'(').Int(3).Unicode("|").Memo().Op((byte)'N').Op((byte)'N').Op((byte)'N').BinInt(-1).BinInt(-1).Int(63).Op((byte)'t').Memo();
        p.Op((byte)'b').Op(0x89).Op((byte)']').Memo();
        p.Op((byte)'(');

        // Item 0: the image, _reconstruct(ndarray, (0,), b'b') then BUILD (1, (h, w), dtype('<f8'), False, raw)
        p.Get(reconstruct).Get(ndarray).Int(0).Op(0x85).Memo().Get(b).Op(0x87).Memo().Op((byte)'R').Memo();
        p.Op((byte)'(').Int(1).Int(height).Int(width).Op(0x86).Memo();
        p.Get(dtype).Unicode("f8").Memo().Op(0x89).Op(0x88).Op(0x87).Memo().Op((byte)'R');
        var float64 = p.MemoId();
        p.Op((byte)'(').Int(3).Unicode("<").Memo();
        p.Op((byte)'N').Op((byte)'N').Op((byte)'N').BinInt(-1).BinInt(-1).Int(0).Op((byte)'t').Memo();
        p.Op((byte)'b').Op(0x89);
        var raw = new byte[image.Length * 8];
        for (var k = 0; k < image.Length; k++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(k * 8), image[k]);
        }

        p.Payload(raw, codecs, latin1).Memo();
        p.Op((byte)'t').Memo().Op((byte)'b');

        // Item 1: the axion mass, a Python float or a numpy float64 scalar
        if (massAsNumpyScalar)
        {
            // The scalar reuses the image's dtype('<f8') object, so the pickle refers back to it.
            p.Global(module, "scalar");
            p.Get(float64);
            var massBytes = new byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(massBytes, mass);
            p.Payload(massBytes, codecs, latin1).Memo().Op(0x86).Memo().Op((byte)'R').Memo();
        }
        else
        {
            p.Op((byte)'G');
            var be = new byte[8];
            BinaryPrimitives.WriteDoubleBigEndian(be, mass);
            p.Raw(be);
        }

        p.Op((byte)'e').Op((byte)'t').Memo().Op((byte)'b').Op((byte)'.');
        return p.ToArray();
    }

    /// <summary>Emits opcodes the way CPython's pickler does for each protocol, numbering the memo as it goes.</summary>
    internal sealed class Builder
    {
        private readonly int _protocol;
        private readonly List<byte> _body = [];
        private readonly Dictionary<string, int> _strings = [];
        private int _memo;

        public Builder(int protocol)
        {
            _protocol = protocol;
        }

        public Builder Op(byte opcode)
        {
            _body.Add(opcode);
            return this;
        }

        public Builder Raw(ReadOnlySpan<byte> bytes)
        {
            _body.AddRange(bytes.ToArray());
            return this;
        }

        public Builder Memo() => MemoAndId().Builder;

        public int MemoId() => MemoAndId().Id;

        private (Builder Builder, int Id) MemoAndId()
        {
            var id = _memo++;
            if (_protocol >= 4)
            {
                Op(0x94);
            }
            else if (id < 256)
            {
                Op((byte)'q').Op((byte)id);
            }
            else
            {
                Op((byte)'r');
                Span<byte> n = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(n, id);
                Raw(n);
            }

            return (this, id);
        }

        public Builder Get(int id)
        {
            if (id < 256)
            {
                return Op((byte)'h').Op((byte)id);
            }

            Op((byte)'j');
            Span<byte> n = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(n, id);
            return Raw(n);
        }

        /// <summary>GLOBAL for protocols 2–3, STACK_GLOBAL of two memoised strings for 4; returns the memo id of the global.</summary>
        public int Global(string module, string name)
        {
            if (_protocol >= 4)
            {
                // CPython memoises each str object once; numpy's module name is the same object every time.
                if (_strings.TryGetValue(module, out var known))
                {
                    Get(known);
                }
                else
                {
                    _strings[module] = Unicode(module).MemoId();
                }

                Unicode(name).Memo();
                Op(0x93);
                return MemoId();
            }

            Op((byte)'c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
            return MemoId();
        }

        public Builder Int(int value)
        {
            if (value is >= 0 and < 256)
            {
                return Op((byte)'K').Op((byte)value);
            }

            if (value is >= 0 and < 65536)
            {
                Op((byte)'M');
                Span<byte> two = stackalloc byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(two, (ushort)value);
                return Raw(two);
            }

            return BinInt(value);
        }

        public Builder BinInt(int value)
        {
            Op((byte)'J');
            Span<byte> four = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(four, value);
            return Raw(four);
        }

        public Builder Unicode(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (_protocol >= 4 && bytes.Length < 256)
            {
                return Op(0x8c).Op((byte)bytes.Length).Raw(bytes);
            }

            Op((byte)'X');
            Span<byte> four = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(four, (uint)bytes.Length);
            return Raw(four).Raw(bytes);
        }

        public Builder Bytes(byte[] bytes)
        {
            if (bytes.Length < 256)
            {
                return Op((byte)'C').Op((byte)bytes.Length).Raw(bytes);
            }

            Op((byte)'B');
            Span<byte> four = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(four, (uint)bytes.Length);
            return Raw(four).Raw(bytes);
        }

        /// <summary>Raw array bytes: a bytes object from protocol 3, <c>_codecs.encode(latin1 str, 'latin1')</c> in protocol 2.</summary>
        public Builder Payload(byte[] bytes, int codecs, int latin1)
        {
            if (_protocol >= 3)
            {
                return Bytes(bytes);
            }

            Get(codecs);
            Unicode(Encoding.Latin1.GetString(bytes)).Memo();
            Get(latin1);
            Op(0x86).Memo();
            return Op((byte)'R');
        }

        public byte[] ToArray()
        {
            var head = new List<byte> { 0x80, (byte)_protocol };
            if (_protocol >= 4)
            {
                head.Add(0x95);
                var frame = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(frame, (ulong)_body.Count);
                head.AddRange(frame);
            }

            return [.. head, .. _body];
        }
    }
}

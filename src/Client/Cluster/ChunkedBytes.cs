namespace LensSweep.Client.Cluster;

/// <summary>
/// An artifact read in chunks, held as the chunks came (<see cref="ChunkedDownload"/>): its bytes are in memory once,
/// never joined into one array, and read through <see cref="OpenRead"/> as one seekable stream.
/// </summary>
public sealed class ChunkedBytes
{
    private readonly byte[][] _chunks;
    private readonly long[] _starts;

    /// <param name="chunks">The artifact's bytes in order; kept, not copied.</param>
    public ChunkedBytes(IReadOnlyList<byte[]> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        _chunks = [.. chunks];
        _starts = new long[_chunks.Length];
        long length = 0;
        for (var i = 0; i < _chunks.Length; i++)
        {
            _starts[i] = length;
            length += _chunks[i].Length;
        }

        Length = length;
    }

    public long Length { get; }

    /// <summary>The chunks, as they were handed in.</summary>
    public IReadOnlyList<byte[]> Chunks => _chunks;

    /// <summary>A read-only, seekable view of the bytes; each stream has its own position.</summary>
    public Stream OpenRead() => new Reader(this);

    private sealed class Reader(ChunkedBytes bytes) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position
        {
            get => _position;
            set
            {
                ArgumentOutOfRangeException.ThrowIfNegative(value);
                _position = value;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var total = 0;
            while (buffer.Length > 0 && _position < bytes.Length)
            {
                // The chunk holding the position: the last whose start is at or before it (chunks may be empty).
                var index = Array.BinarySearch(bytes._starts, _position);
                index = index >= 0 ? index : ~index - 1;
                while (bytes._chunks[index].Length == 0 || _position - bytes._starts[index] >= bytes._chunks[index].Length)
                {
                    index++;
                }

                var chunk = bytes._chunks[index].AsSpan((int)(_position - bytes._starts[index]));
                var n = Math.Min(chunk.Length, buffer.Length);
                chunk[..n].CopyTo(buffer);
                buffer = buffer[n..];
                _position += n;
                total += n;
            }

            return total;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => bytes.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

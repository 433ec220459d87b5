using LensSweep.Client.Cluster;
using LensSweep.Grains.Storage;

namespace LensSweep.Client.Tests;

public sealed class ChunkedDownloadTests
{
    private static Func<long, CancellationToken, Task<ArtifactChunk?>> Serving(byte[] value, int chunk, List<long>? asked = null) => (offset, _) =>
    {
        asked?.Add(offset);
        var end = (int)Math.Min(value.Length, offset + chunk);
        return Task.FromResult<ArtifactChunk?>(new ArtifactChunk(value[(int)offset..end], end == value.Length));
    };

    [Fact]
    public async Task Chunks_are_asked_for_from_where_the_last_one_ended_and_join_into_the_value()
    {
        var value = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();
        var asked = new List<long>();

        var whole = await ChunkedDownload.ReadAllAsync(Serving(value, 4, asked), CancellationToken.None);

        Assert.Equal(value, Bytes(whole));
        Assert.Equal([0L, 4L, 8L], asked);
    }

    [Fact]
    public async Task The_chunks_are_kept_as_they_came_rather_than_joined_into_a_copy()
    {
        var value = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();
        var served = new List<byte[]>();
        var serve = Serving(value, 4);

        var whole = await ChunkedDownload.ReadAllAsync(
            async (offset, ct) =>
            {
                var chunk = await serve(offset, ct);
                served.Add(chunk!.Bytes);
                return chunk;
            },
            CancellationToken.None);

        Assert.NotNull(whole);
        Assert.Equal(value.Length, whole.Length);
        Assert.Equal(served.Count, whole.Chunks.Count);
        Assert.All(served.Zip(whole.Chunks), pair => Assert.Same(pair.First, pair.Second));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    public void The_chunks_read_back_as_the_value_whatever_the_read_size(int readSize)
    {
        var value = Enumerable.Range(0, 23).Select(i => (byte)(i * 7)).ToArray();
        var bytes = new ChunkedBytes([value[..5], value[5..6], value[6..20], value[20..], []]);

        using var stream = bytes.OpenRead();
        var read = new List<byte>();
        var buffer = new byte[readSize];
        for (int n; (n = stream.Read(buffer, 0, buffer.Length)) > 0;)
        {
            read.AddRange(buffer[..n]);
        }

        Assert.Equal(value, read);
    }

    [Fact]
    public void A_seek_into_a_later_chunk_reads_from_there()
    {
        var value = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        using var stream = new ChunkedBytes([value[..4], value[4..8], value[8..]]).OpenRead();

        stream.Seek(6, SeekOrigin.Begin);
        var buffer = new byte[4];

        Assert.Equal(4, stream.Read(buffer));
        Assert.Equal(value[6..10], buffer);
    }

    [Fact]
    public async Task An_empty_value_is_one_empty_last_chunk()
    {
        var whole = await ChunkedDownload.ReadAllAsync(Serving([], 4), CancellationToken.None);

        Assert.Empty(Bytes(whole));
    }

    [Fact]
    public async Task A_value_gone_after_its_first_chunk_reads_as_null()
    {
        var calls = 0;
        var whole = await ChunkedDownload.ReadAllAsync(
            (_, _) => Task.FromResult(calls++ == 0 ? new ArtifactChunk([1, 2], IsLast: false) : null),
            CancellationToken.None);

        Assert.Null(whole);
    }

    [Fact]
    public async Task An_empty_chunk_that_is_not_the_last_is_refused_rather_than_asked_for_again()
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => ChunkedDownload.ReadAllAsync(
            (_, _) => Task.FromResult<ArtifactChunk?>(new ArtifactChunk([], IsLast: false)),
            CancellationToken.None));
    }

    private static byte[] Bytes(ChunkedBytes? whole)
    {
        Assert.NotNull(whole);
        using var stream = whole.OpenRead();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

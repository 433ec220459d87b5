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

        Assert.Equal(value, whole);
        Assert.Equal([0L, 4L, 8L], asked);
    }

    [Fact]
    public async Task An_empty_value_is_one_empty_last_chunk()
    {
        var whole = await ChunkedDownload.ReadAllAsync(Serving([], 4), CancellationToken.None);

        Assert.NotNull(whole);
        Assert.Empty(whole);
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
}

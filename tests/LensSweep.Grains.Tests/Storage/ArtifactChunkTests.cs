using LensSweep.Grains.Storage;

namespace LensSweep.Grains.Tests.Storage;

public sealed class ArtifactChunkTests
{
    [Fact]
    public async Task A_chunk_asks_the_store_for_its_own_bytes_and_one_more_not_the_rest_of_the_value()
    {
        var store = new RangeRecordingStore();
        await store.PutAsync("a/ckpt", new MemoryStream(new byte[100]));

        var chunk = await ArtifactChunk.ReadAsync(store, "a/ckpt", offset: 10, count: 8);

        Assert.Equal((10L, (long?)9), store.Ranges.Single());
        Assert.Equal(8, chunk!.Bytes.Length);
        Assert.False(chunk.IsLast);
    }

    /// <summary>The in-memory store, noting every range it is asked for.</summary>
    private sealed class RangeRecordingStore : IArtifactStore
    {
        private readonly InMemoryArtifactStore _inner = new();

        public List<(long Offset, long? Length)> Ranges { get; } = [];

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => _inner.PutAsync(key, content, cancellationToken);

        public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) => _inner.OpenReadAsync(key, cancellationToken);

        public Task<Stream?> OpenReadFromAsync(string key, long offset, long? length, CancellationToken cancellationToken = default)
        {
            Ranges.Add((offset, length));
            return _inner.OpenReadFromAsync(key, offset, length, cancellationToken);
        }

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => _inner.ExistsAsync(key, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);
    }
}

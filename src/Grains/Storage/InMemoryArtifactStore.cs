using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace LensSweep.Grains.Storage;

/// <summary>
/// Artifacts in process memory: for tests, benchmarks and throw-away embedded runs. One instance shared by
/// every silo of a process behaves like a store the whole cluster can reach.
/// </summary>
public sealed class InMemoryArtifactStore : IArtifactStore
{
    private readonly ConcurrentDictionary<string, byte[]> _items = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        // The copy is complete before it becomes visible, so a reader never sees a part.
        _items[key] = buffer.ToArray();
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.Validate(key);
        return Task.FromResult<Stream?>(_items.TryGetValue(key, out var bytes) ? new MemoryStream(bytes, writable: false) : null);
    }

    /// <summary>A view of the range's bytes; nothing is copied.</summary>
    public Task<Stream?> OpenReadFromAsync(string key, long offset, long? length, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.Validate(key);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (!_items.TryGetValue(key, out var bytes))
        {
            return Task.FromResult<Stream?>(null);
        }

        var start = (int)Math.Min(offset, bytes.Length);
        var count = (int)Math.Min(length ?? long.MaxValue, bytes.Length - start);
        ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(length));
        return Task.FromResult<Stream?>(new MemoryStream(bytes, start, count, writable: false));
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.Validate(key);
        return Task.FromResult(_items.ContainsKey(key));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArtifactKeys.Validate(key);
        _items.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var keys = _items.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

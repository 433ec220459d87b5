namespace LensSweep.Grains.Storage;

/// <summary>
/// Where checkpoints, results and plots live: keys are '/'-separated paths ("studies/s1/trials/3/ckpt-e4").
/// Backends: in-memory (tests), local folder (default), Azure Blob (clusters).
/// </summary>
public interface IArtifactStore
{
    /// <summary>Stores the whole stream under the key. Atomic: a reader sees the old or the new value, never a part.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the value for reading, or returns null when the key does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens <paramref name="length"/> bytes of the value from byte <paramref name="offset"/> on (fewer where the value
    /// ends first; at or past its end, an empty stream; a null length, to its end), or returns null when the key does
    /// not exist. This default seeks a seekable stream, skips the bytes of any other, and reads no further than the
    /// range; a backend that can fetch a range (Azure Blob) fetches only the range's bytes instead.
    /// </summary>
    async Task<Stream?> OpenReadFromAsync(string key, long offset, long? length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } asked)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(asked, nameof(length));
        }

        var stream = await OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        if (offset > 0)
        {
            await SkipAsync(stream, offset, cancellationToken).ConfigureAwait(false);
        }

        return length is { } bound ? new BoundedReadStream(stream, bound) : stream;
    }

    private static async Task SkipAsync(Stream stream, long offset, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            return;
        }

        var skip = new byte[64 * 1024];
        for (var left = offset; left > 0;)
        {
            var read = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(left, skip.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            left -= read;
        }
    }

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes the key; deleting a missing key is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Keys that start with the prefix, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);
}

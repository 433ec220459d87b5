namespace LensSweep.Grains.Storage;

/// <summary>
/// Part of an artifact's bytes, as a grain hands it out: a value larger than one Orleans message (100 MB by
/// default) is read as a sequence of these, each well under the limit.
/// </summary>
/// <param name="Bytes">The bytes from the offset asked for, at most the size asked for.</param>
/// <param name="IsLast">True when no bytes follow these.</param>
[GenerateSerializer, Immutable, Alias("lenssweep.ArtifactChunk")]
public sealed record ArtifactChunk(
    [property: Id(0)] byte[] Bytes,
    [property: Id(1)] bool IsLast)
{
    /// <summary>The size a reader asks for: far below Orleans' message limit, large enough that a checkpoint of
    /// a few hundred MB takes a few hundred calls.</summary>
    public const int DefaultBytes = 1024 * 1024;

    /// <summary>The most one chunk may hold; a request for more is refused.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes of <paramref name="key"/> from <paramref name="offset"/>; null when
    /// the key does not exist (never stored, or deleted since the reader found it).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in 1..<see cref="MaxBytes"/> or <paramref name="offset"/> is negative.</exception>
    public static async Task<ArtifactChunk?> ReadAsync(IArtifactStore store, string key, long offset, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBytes);
        // One byte more than asked for says whether any follow, without a second call or knowing the length.
        await using var stream = await store.OpenReadFromAsync(key, offset, count + 1L, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        var buffer = new byte[count + 1];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var isLast = read <= count;
        return new ArtifactChunk(buffer.AsSpan(0, Math.Min(read, count)).ToArray(), isLast);
    }
}

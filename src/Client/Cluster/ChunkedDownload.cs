using LensSweep.Grains.Storage;

namespace LensSweep.Client.Cluster;

/// <summary>
/// Puts an artifact back together from the chunks a grain hands out (<see cref="ArtifactChunk"/>), asking for
/// each from where the last ended, so no single message carries more than one chunk. The chunks are kept as they
/// came (<see cref="ChunkedBytes"/>): the artifact is in memory once, not also joined into one array.
/// </summary>
public static class ChunkedDownload
{
    /// <param name="readChunk">Reads the chunk at an offset; null when the artifact is gone.</param>
    /// <returns>The whole artifact; null when it was gone at any chunk (deleted while it was read).</returns>
    public static async Task<ChunkedBytes?> ReadAllAsync(Func<long, CancellationToken, Task<ArtifactChunk?>> readChunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readChunk);
        var chunks = new List<byte[]>();
        long length = 0;
        while (true)
        {
            var chunk = await readChunk(length, cancellationToken);
            if (chunk is null)
            {
                return null;
            }

            if (chunk.Bytes.Length == 0 && !chunk.IsLast)
            {
                // A chunk that neither advances nor ends would ask for the same offset forever.
                throw new InvalidDataException($"an empty chunk that is not the last at byte {length}");
            }

            chunks.Add(chunk.Bytes);
            length += chunk.Bytes.Length;
            if (chunk.IsLast)
            {
                return new ChunkedBytes(chunks);
            }
        }
    }
}

using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using LensSweep.Grains.Storage;

namespace LensSweep.Silo.Storage;

/// <summary>
/// Artifact store on one Azure Blob container (Azurite locally). A put is one blob upload, which Azure
/// commits atomically: readers see the previous blob or the whole new one, never a part.
/// </summary>
public sealed class AzureBlobArtifactStore(BlobContainerClient container) : IArtifactStore
{
    private volatile bool _containerExists;

    public string Describe() => AzureBlobConnection.Describe(container);

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await container.GetBlobClient(key).UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        try
        {
            var download = await container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Downloads only the range's bytes (one HTTP range request, <c>HttpRange(offset, length)</c>), so a value
    /// read in chunks downloads each chunk's bytes once, not a download to the blob's end per chunk.</summary>
    public async Task<Stream?> OpenReadFromAsync(string key, long offset, long? length, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } asked)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(asked, nameof(length));
            if (asked == 0)
            {
                // An empty range is no HTTP range at all (a zero length would mean "to the end"); only existence matters.
                return await ExistsAsync(key, cancellationToken).ConfigureAwait(false) ? new MemoryStream([], writable: false) : null;
            }
        }

        try
        {
            var options = new BlobDownloadOptions { Range = new HttpRange(offset, length) };
            var download = await container.GetBlobClient(key).DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // The range starts at or past the end of the blob: nothing is left to read.
            return new MemoryStream([], writable: false);
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        try
        {
            return (await container.GetBlobClient(key).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        try
        {
            await container.GetBlobClient(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container itself is missing: the key is as deleted as it gets.
        }
    }

    /// <remarks>Azure lists blob names in ascending byte order, which is ordinal order for the ASCII keys LensSweep writes.</remarks>
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var pages = container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix.Length == 0 ? null : prefix, cancellationToken).AsPages();
        var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                Page<BlobItem> page;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        yield break;
                    page = enumerator.Current;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    yield break; // no container yet: nothing has been stored
                }
                foreach (var item in page.Values)
                    yield return item.Name;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerExists)
            return;
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _containerExists = true;
    }
}

using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace LensSweep.Silo.Storage;

/// <summary>
/// Orleans grain storage on an Azure Blob container, one blob per grain state, with ETag optimistic
/// concurrency: a write carries If-Match with the ETag it read (If-None-Match:* when it read nothing), so
/// a stale activation (say, a silo declared dead that keeps running) gets <see cref="InconsistentStateException"/>
/// instead of overwriting what the live activation wrote.
/// </summary>
public sealed partial class AzureBlobGrainStorage(
    string name,
    BlobContainerClient container,
    IGrainStorageSerializer serializer,
    ILogger<AzureBlobGrainStorage> logger) : IGrainStorage
{
    private volatile bool _containerExists;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blob = container.GetBlobClient(BlobName(stateName, grainId));
        try
        {
            var download = await blob.DownloadContentAsync().ConfigureAwait(false);
            grainState.State = serializer.Deserialize<T>(download.Value.Content);
            grainState.ETag = download.Value.Details.ETag.ToString();
            grainState.RecordExists = true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blobName = BlobName(stateName, grainId);
        var blob = container.GetBlobClient(blobName);
        var upload = new BlobUploadOptions
        {
            // No ETag means "I read nothing": only create, never replace a blob someone else wrote meanwhile.
            Conditions = grainState.ETag is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = new ETag(grainState.ETag) },
        };
        var content = serializer.Serialize(grainState.State);
        try
        {
            var written = await UploadCreatingContainerAsync(blob, content, upload).ConfigureAwait(false);
            grainState.ETag = written.ETag.ToString();
            grainState.RecordExists = true;
        }
        catch (RequestFailedException e) when (IsConflict(e, grainState.ETag))
        {
            LogConflict(logger, name, blobName, "write", grainState.ETag ?? "none");
            throw new InconsistentStateException(
                $"grain state '{blobName}' in storage '{name}' changed since it was read (write with ETag {grainState.ETag ?? "none"} refused)",
                "unknown", grainState.ETag ?? "none", e);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blobName = BlobName(stateName, grainId);
        var blob = container.GetBlobClient(blobName);
        try
        {
            if (grainState.ETag is null)
            {
                // Nothing was read, so anything there now was written by someone else: deleting it would be a stale write.
                if ((await blob.ExistsAsync().ConfigureAwait(false)).Value)
                    throw new RequestFailedException(412, "the blob exists but the caller read none", "ConditionNotMet", null);
            }
            else
            {
                await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = new ETag(grainState.ETag) }).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone (blob or container): clearing is done.
        }
        catch (RequestFailedException e) when (IsConflict(e, grainState.ETag))
        {
            LogConflict(logger, name, blobName, "clear", grainState.ETag ?? "none");
            throw new InconsistentStateException(
                $"grain state '{blobName}' in storage '{name}' changed since it was read (clear with ETag {grainState.ETag ?? "none"} refused)",
                "unknown", grainState.ETag ?? "none", e);
        }
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>"{grain type}/{grain key}/{state name}": the state name keeps two states of one grain apart.</summary>
    internal static string BlobName(string stateName, GrainId grainId) => $"{grainId.Type}/{grainId.Key}/{stateName}";

    private async Task<BlobContentInfo> UploadCreatingContainerAsync(BlobClient blob, BinaryData content, BlobUploadOptions upload)
    {
        if (!_containerExists)
        {
            await container.CreateIfNotExistsAsync().ConfigureAwait(false);
            LogContainerReady(logger, name, AzureBlobConnection.Describe(container));
            _containerExists = true;
        }
        return (await blob.UploadAsync(content, upload).ConfigureAwait(false)).Value;
    }

    // 412: If-Match failed. 409: If-None-Match:* found a blob. 404 with an ETag: the blob we read was deleted.
    private static bool IsConflict(RequestFailedException e, string? etag) =>
        e.Status is 409 or 412 || (e.Status == 404 && etag is not null && e.ErrorCode == BlobErrorCode.BlobNotFound);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Grain storage {Storage}: {Operation} of {Blob} refused, the stored ETag is not {ETag} (a newer activation wrote it)")]
    private static partial void LogConflict(ILogger logger, string storage, string blob, string operation, string etag);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Grain storage {Storage}: using container {Container}")]
    private static partial void LogContainerReady(ILogger logger, string storage, string container);
}

using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Silo.Storage;

/// <summary>What one migration run did.</summary>
/// <param name="Copied">States written through the official provider.</param>
/// <param name="AlreadyPresent">States the official provider already held (a re-run, or a grain that wrote since): left as they are.</param>
/// <param name="Unrecognised">Blob names that are not "{grain type}/{grain key}/{state name}": left alone, listed for the operator.</param>
public sealed record GrainStateMigrationReport(int Copied, int AlreadyPresent, IReadOnlyList<string> Unrecognised);

/// <summary>
/// Moves grain state written by LensSweep's former hand-written Azure Blob provider into the official provider's layout.
/// Both wrote the same bytes (the Orleans binary serializer's output for the state); only the blob names differ: the
/// old provider named a blob "{grain type}/{grain key}/{state name}", the official one names it its own way. So each old
/// blob is read as bytes and written back through the official provider itself, which picks the name; nothing here
/// restates the official layout. The old container is only read: delete it once the cluster runs on the new one.
/// Run it with every silo stopped.
/// </summary>
public static class LegacyGrainStateMigration
{
    /// <summary>The container the hand-written provider used by default.</summary>
    public const string LegacyContainer = "lenssweep-state";

    private const string ProviderName = "lenssweep-migration";

    /// <summary>The state name and grain of an old blob name, or null when the name is not one the old provider wrote.</summary>
    public static (string StateName, GrainId Grain)? ParseLegacyBlobName(string blobName)
    {
        var first = blobName.IndexOf('/', StringComparison.Ordinal);
        var last = blobName.LastIndexOf('/');
        if (first <= 0 || last <= first + 1 || last == blobName.Length - 1)
            return null;
        return (blobName[(last + 1)..], GrainId.Create(blobName[..first], blobName[(first + 1)..last]));
    }

    /// <summary>
    /// A blob the old provider wrote and the official one did not: the official provider's names end in ".json"
    /// ("{state name}-{grain id}.json"), which no engine state name does.
    /// </summary>
    public static bool IsLegacyBlobName(string blobName) =>
        !blobName.EndsWith(".json", StringComparison.Ordinal) && ParseLegacyBlobName(blobName) is not null;

    /// <summary>
    /// Why a silo on <paramref name="container"/> would silently lose studies, or null: the container holds blobs in the
    /// old layout, or it holds none while the old default container still does (state that was never migrated).
    /// Reads at most one short page of each container.
    /// </summary>
    public static async Task<string?> UnmigratedStateProblemAsync(BlobServiceClient service, string container, CancellationToken cancellationToken)
    {
        var own = await FirstBlobsAsync(service.GetBlobContainerClient(container), cancellationToken).ConfigureAwait(false);
        if (own.FirstOrDefault(IsLegacyBlobName) is { } mixed)
            return $"container {container} holds grain state in the former LensSweep provider's layout ('{mixed}'), which the official provider cannot read: "
                + $"set GrainState:Container to a new container and run `lenssweep-silo {MigrateVerb} --from-container {container}` (infra/README.md)";
        if (own.Count > 0 || container == LegacyContainer)
            return null;
        var legacy = await FirstBlobsAsync(service.GetBlobContainerClient(LegacyContainer), cancellationToken).ConfigureAwait(false);
        return legacy.Any(IsLegacyBlobName)
            ? $"container {container} is empty but {LegacyContainer} holds grain state of the former LensSweep provider: run `lenssweep-silo {MigrateVerb}` "
                + $"before starting the silos, or delete {LegacyContainer} to start without those studies (infra/README.md)"
            : null;
    }

    /// <summary>The command that runs the migration (`lenssweep-silo migrate-grain-state`).</summary>
    public const string MigrateVerb = "migrate-grain-state";

    private static async Task<List<string>> FirstBlobsAsync(BlobContainerClient container, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var page in container.GetBlobsAsync(cancellationToken: cancellationToken).AsPages(pageSizeHint: 20).ConfigureAwait(false))
                return [.. page.Values.Select(b => b.Name)];
            return [];
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
    }

    /// <exception cref="ArgumentException">The settings are not valid, or the two containers are the same.</exception>
    public static async Task<GrainStateMigrationReport> RunAsync(AzureStorageAccount account, string fromContainer, string toContainer, CancellationToken cancellationToken)
    {
        if (string.Equals(fromContainer, toContainer, StringComparison.Ordinal))
            throw new ArgumentException($"the old and the new grain state container are both '{toContainer}': give the official provider its own container ({account.Section}:Container)");
        var source = AzureBlobConnection.OpenContainer(account, fromContainer);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSerializer()
            .AddAzureBlobGrainStorage(ProviderName, AzureBlobGrainState.Configure(account, toContainer, _ => new StoredBytesSerializer()));
        await using var provider = services.BuildServiceProvider();
        var target = await StandaloneGrainStorage.StartAsync(provider, ProviderName, cancellationToken).ConfigureAwait(false);
        return await CopyAsync(source, target, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<GrainStateMigrationReport> CopyAsync(BlobContainerClient source, IGrainStorage target, CancellationToken cancellationToken)
    {
        int copied = 0, present = 0;
        var unrecognised = new List<string>();
        await foreach (var item in source.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (ParseLegacyBlobName(item.Name) is not var (stateName, grain))
            {
                unrecognised.Add(item.Name);
                continue;
            }
            var state = new GrainState<StoredBytes>();
            await target.ReadStateAsync(stateName, grain, state).ConfigureAwait(false);
            if (state.RecordExists)
            {
                present++;
                continue;
            }
            var content = await source.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            state.State = new StoredBytes { Content = content.Value.Content };
            await target.WriteStateAsync(stateName, grain, state).ConfigureAwait(false);
            copied++;
        }
        return new GrainStateMigrationReport(copied, present, unrecognised);
    }

    /// <summary>A state's serialized bytes, carried through the provider unchanged.</summary>
    private sealed class StoredBytes
    {
        public BinaryData? Content { get; set; }
    }

    /// <summary>Hands the stored bytes to the provider as they are: the old and the new layout hold the same serialized state.</summary>
    private sealed class StoredBytesSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) =>
            (input as StoredBytes)?.Content ?? throw new InvalidOperationException("the migration writes only stored bytes");

        public T Deserialize<T>(BinaryData input) => (T)(object)new StoredBytes { Content = input };
    }
}

using Azure.Storage.Blobs;
using LensSweep.Silo.Storage;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Silo.Tests.Storage;

/// <summary>Grain state through the official Azure Blob provider, registered as the silo registers it, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobGrainStateTests(AzuriteFixture azurite) : IAsyncDisposable
{
    [GenerateSerializer]
    public sealed class TrialRecord
    {
        [Id(0)]
        public int Epoch { get; set; }

        [Id(1)]
        public string? CheckpointKey { get; set; }
    }

    private static readonly GrainId Trial = GrainId.Create("trial", "study-1/trial-3");

    private readonly List<ServiceProvider> _providers = [];

    private async Task<IGrainStorage> NewStorageAsync(string container)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSerializer()
            .AddLensSweepAzureBlobGrainStorage("trials", new AzureStorageAccount(azurite.ConnectionString, null, "GrainState"), container)
            .BuildServiceProvider();
        _providers.Add(services);
        return await StandaloneGrainStorage.StartAsync(services, "trials", CancellationToken.None);
    }

    private Task<IGrainStorage> NewStorageAsync() => NewStorageAsync(AzuriteFixture.NewContainerName("state"));

    private static async Task<TestGrainState<TrialRecord>> ReadAsync(IGrainStorage storage, string stateName = "trial")
    {
        var state = new TestGrainState<TrialRecord>();
        await storage.ReadStateAsync(stateName, Trial, state);
        return state;
    }

    [SkippableFact]
    public async Task Write_then_read_round_trips_the_state_and_its_etag()
    {
        var storage = await NewStorageAsync();
        var written = new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 4, CheckpointKey = "studies/1/trials/3/ckpt-e4" });

        await storage.WriteStateAsync("trial", Trial, written);
        var read = await ReadAsync(storage);

        Assert.True(read.RecordExists);
        Assert.Equal((4, "studies/1/trials/3/ckpt-e4"), (read.State.Epoch, read.State.CheckpointKey));
        Assert.NotNull(written.ETag);
        Assert.Equal(written.ETag, read.ETag);
    }

    [SkippableFact]
    public async Task The_provider_creates_its_container_when_it_starts()
    {
        var container = AzuriteFixture.NewContainerName("created");

        await NewStorageAsync(container);

        Assert.True((await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(container).ExistsAsync()).Value);
    }

    [SkippableFact]
    public async Task Reading_state_never_written_gives_a_fresh_state_and_no_record()
    {
        var read = await ReadAsync(await NewStorageAsync());

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State.Epoch);
    }

    [SkippableFact]
    public async Task A_stale_writer_gets_a_conflict_and_does_not_overwrite()
    {
        var storage = await NewStorageAsync();
        await storage.WriteStateAsync("trial", Trial, new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 1 }));
        var live = await ReadAsync(storage);
        var stale = await ReadAsync(storage);
        live.State.Epoch = 2;
        await storage.WriteStateAsync("trial", Trial, live);
        stale.State.Epoch = 99;

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("trial", Trial, stale));
        Assert.Equal(2, (await ReadAsync(storage)).State.Epoch);
    }

    [SkippableFact]
    public async Task A_writer_that_read_nothing_gets_a_conflict_when_another_wrote_first()
    {
        var storage = await NewStorageAsync();
        var late = await ReadAsync(storage);
        await storage.WriteStateAsync("trial", Trial, new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 10 }));
        late.State.Epoch = 20;

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("trial", Trial, late));
        Assert.Equal(10, (await ReadAsync(storage)).State.Epoch);
    }

    [SkippableFact]
    public async Task Clearing_deletes_the_state_and_a_later_first_write_succeeds()
    {
        var container = AzuriteFixture.NewContainerName("clear");
        var storage = await NewStorageAsync(container);
        var state = new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 2 });
        await storage.WriteStateAsync("trial", Trial, state);

        await storage.ClearStateAsync("trial", Trial, state);
        var blobsAfterClear = await BlobNamesAsync(container);
        state.State = new TrialRecord { Epoch = 5 };
        await storage.WriteStateAsync("trial", Trial, state);

        Assert.Empty(blobsAfterClear);
        Assert.Equal(5, (await ReadAsync(storage)).State.Epoch);
    }

    [SkippableFact]
    public async Task Two_state_names_of_one_grain_are_stored_apart()
    {
        var storage = await NewStorageAsync();
        await storage.WriteStateAsync("trial", Trial, new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 1 }));
        await storage.WriteStateAsync("lease", Trial, new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 2 }));

        Assert.Equal(1, (await ReadAsync(storage, "trial")).State.Epoch);
        Assert.Equal(2, (await ReadAsync(storage, "lease")).State.Epoch);
    }

    private async Task<List<string>> BlobNamesAsync(string container)
    {
        var names = new List<string>();
        await foreach (var blob in new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(container).GetBlobsAsync())
            names.Add(blob.Name);
        return names;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
            await provider.DisposeAsync();
    }
}

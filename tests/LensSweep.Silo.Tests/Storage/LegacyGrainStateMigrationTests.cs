using Azure.Storage.Blobs;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Storage;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Silo.Tests.Storage;

/// <summary>State written in the hand-written provider's layout, moved by the migration, read back by the official provider.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LegacyGrainStateMigrationTests(AzuriteFixture azurite) : IAsyncDisposable
{
    [GenerateSerializer]
    public sealed class LeaseRecord
    {
        [Id(0)]
        public int Epoch { get; set; }

        [Id(1)]
        public string? Holder { get; set; }
    }

    private static readonly GrainId Trial = GrainId.Create("trial", "study-1/trial-3");

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly List<ServiceProvider> _providers = [];

    private AzureStorageAccount Account => new(azurite.ConnectionString, null, "GrainState");

    /// <summary>Writes a blob exactly as the hand-written provider did: "{type}/{key}/{state name}", the Orleans binary serializer's bytes.</summary>
    private async Task WriteLegacyAsync(string container, string stateName, GrainId grain, LeaseRecord state)
    {
        var client = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        var bytes = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()).Serialize(state);
        await client.GetBlobClient($"{grain.Type}/{grain.Key}/{stateName}").UploadAsync(bytes, overwrite: true);
    }

    private async Task<TestGrainState<LeaseRecord>> ReadOfficialAsync(string container, string stateName, GrainId grain)
    {
        var services = new ServiceCollection().AddLogging().AddSerializer()
            .AddLensSweepAzureBlobGrainStorage("state", Account, container).BuildServiceProvider();
        _providers.Add(services);
        var storage = await StandaloneGrainStorage.StartAsync(services, "state", CancellationToken.None);
        var state = new TestGrainState<LeaseRecord>();
        await storage.ReadStateAsync(stateName, grain, state);
        return state;
    }

    [Fact]
    public void A_legacy_blob_name_gives_its_state_name_and_a_grain_key_that_may_hold_slashes()
    {
        var parsed = LegacyGrainStateMigration.ParseLegacyBlobName("trial/study-1/trial-3/lease");

        Assert.Equal(("lease", Trial), parsed);
    }

    [Fact]
    public void A_blob_name_of_the_official_provider_is_not_taken_for_the_old_layout()
    {
        Assert.False(LegacyGrainStateMigration.IsLegacyBlobName("lease-trial/study-1/trial-3.json"));
        Assert.True(LegacyGrainStateMigration.IsLegacyBlobName("trial/study-1/trial-3/lease"));
    }

    [Theory]
    [InlineData("lease")]
    [InlineData("trial/lease")]
    [InlineData("trial//lease")]
    [InlineData("trial/study-1/")]
    public void A_name_the_old_provider_never_wrote_is_not_parsed(string blobName)
    {
        Assert.Null(LegacyGrainStateMigration.ParseLegacyBlobName(blobName));
    }

    [SkippableFact]
    public async Task A_state_in_the_old_layout_reads_back_through_the_official_provider_after_migration()
    {
        string from = AzuriteFixture.NewContainerName("old"), to = AzuriteFixture.NewContainerName("new");
        await WriteLegacyAsync(from, "lease", Trial, new LeaseRecord { Epoch = 7, Holder = "silo-b" });

        var report = await LegacyGrainStateMigration.RunAsync(Account, from, to, CancellationToken.None);
        var read = await ReadOfficialAsync(to, "lease", Trial);

        Assert.Equal((1, 0), (report.Copied, report.AlreadyPresent));
        Assert.Empty(report.Unrecognised);
        Assert.True(read.RecordExists);
        Assert.Equal((7, "silo-b"), (read.State.Epoch, read.State.Holder));
    }

    [SkippableFact]
    public async Task Running_the_migration_again_keeps_the_new_state_and_copies_nothing()
    {
        string from = AzuriteFixture.NewContainerName("old"), to = AzuriteFixture.NewContainerName("new");
        await WriteLegacyAsync(from, "lease", Trial, new LeaseRecord { Epoch = 1 });
        await LegacyGrainStateMigration.RunAsync(Account, from, to, CancellationToken.None);
        await WriteLegacyAsync(from, "lease", Trial, new LeaseRecord { Epoch = 99 });

        var again = await LegacyGrainStateMigration.RunAsync(Account, from, to, CancellationToken.None);

        Assert.Equal((0, 1), (again.Copied, again.AlreadyPresent));
        Assert.Equal(1, (await ReadOfficialAsync(to, "lease", Trial)).State.Epoch);
    }

    [SkippableFact]
    public async Task A_blob_the_old_provider_did_not_write_is_left_alone_and_listed()
    {
        string from = AzuriteFixture.NewContainerName("old"), to = AzuriteFixture.NewContainerName("new");
        await WriteLegacyAsync(from, "lease", Trial, new LeaseRecord { Epoch = 1 });
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(from).GetBlobClient("notes.txt").UploadAsync(BinaryData.FromString("hi"));

        var report = await LegacyGrainStateMigration.RunAsync(Account, from, to, CancellationToken.None);

        Assert.Equal(1, report.Copied);
        Assert.Equal(["notes.txt"], report.Unrecognised);
    }

    [SkippableFact]
    public async Task The_migration_refuses_to_copy_a_container_onto_itself()
    {
        var container = AzuriteFixture.NewContainerName("same");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => LegacyGrainStateMigration.RunAsync(Account, container, container, CancellationToken.None));

        Assert.Contains("both", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_silo_command_migrates_with_the_silo_configuration_and_says_what_it_copied()
    {
        string from = AzuriteFixture.NewContainerName("old"), to = AzuriteFixture.NewContainerName("new");
        await WriteLegacyAsync(from, "lease", Trial, new LeaseRecord { Epoch = 3 });
        using StringWriter output = new(), error = new();

        var exit = await GrainStateMigrationCommand.RunAsync(
            ["--from-container", from, "--grain-state", "azureblob", "--GrainState:ConnectionString", azurite.ConnectionString, "--GrainState:Container", to],
            output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.Equal($"copied 1 grain states from container {from} to {to}; 0 were already there and were kept", output.ToString().Trim());
        Assert.Equal(3, (await ReadOfficialAsync(to, "lease", Trial)).State.Epoch);
    }

    [Fact]
    public async Task The_silo_command_refuses_a_grain_state_that_is_not_azure_blob_with_one_line()
    {
        using StringWriter output = new(), error = new();

        var exit = await GrainStateMigrationCommand.RunAsync(["--grain-state", "local"], output, error);

        Assert.Equal(2, exit);
        Assert.Equal("lenssweep-silo migrate-grain-state: GrainState:Kind is 'local'; the migration moves Azure Blob grain state, so it must be azureblob", error.ToString().Trim());
    }

    private string[] SiloArgs(string container) =>
    [
        "--grain-state", "azureblob", "--GrainState:ConnectionString", azurite.ConnectionString, "--GrainState:Container", container,
        "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(), "--http-port", FreePort.Next().ToString(),
        "--cluster-id", $"test-{Guid.NewGuid():N}", "--slots", "none", "--Logging:LogLevel:Default", "Warning",
    ];

    private string BlobEndpoint => $"http://127.0.0.1:{azurite.Ports.Blob}/{AzuriteCommand.Account}";

    [SkippableFact]
    public async Task A_silo_on_a_container_in_the_old_layout_fails_at_start_saying_to_migrate()
    {
        var container = AzuriteFixture.NewContainerName("mixed");
        await WriteLegacyAsync(container, "lease", Trial, new LeaseRecord { Epoch = 1 });

        var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(SiloArgs(container)));

        Assert.Equal($"GrainState: Azure Blob at {BlobEndpoint}: container {container} holds grain state in the former LensSweep provider's layout "
            + "('trial/study-1/trial-3/lease'), which the official provider cannot read: set GrainState:Container to a new container and run "
            + $"`lenssweep-silo migrate-grain-state --from-container {container}` (infra/README.md)", Assert.Single(error.Problems));
    }

    [SkippableFact]
    public async Task A_silo_on_an_empty_container_fails_at_start_while_the_old_default_container_holds_unmigrated_state()
    {
        var container = AzuriteFixture.NewContainerName("fresh");
        await WriteLegacyAsync(LegacyGrainStateMigration.LegacyContainer, "lease", Trial, new LeaseRecord { Epoch = 1 });
        try
        {
            var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(SiloArgs(container)));

            Assert.Equal($"GrainState: Azure Blob at {BlobEndpoint}: container {container} is empty but lenssweep-state holds grain state of the former "
                + "LensSweep provider: run `lenssweep-silo migrate-grain-state` before starting the silos, or delete lenssweep-state to start without "
                + "those studies (infra/README.md)", Assert.Single(error.Problems));
        }
        finally
        {
            await DeleteLegacyDefaultAsync();
        }
    }

    [SkippableFact]
    public async Task After_the_migration_the_silo_starts_on_the_new_container_beside_the_old_one()
    {
        var container = AzuriteFixture.NewContainerName("migrated");
        await WriteLegacyAsync(LegacyGrainStateMigration.LegacyContainer, "lease", Trial, new LeaseRecord { Epoch = 1 });
        try
        {
            await LegacyGrainStateMigration.RunAsync(Account, LegacyGrainStateMigration.LegacyContainer, container, CancellationToken.None);

            await using var app = await SiloApp.CreateAsync(SiloArgs(container));
        }
        finally
        {
            await DeleteLegacyDefaultAsync();
        }
    }

    /// <summary>The old default container is shared by every test on this Azurite: leave none behind.</summary>
    private Task DeleteLegacyDefaultAsync() =>
        new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(LegacyGrainStateMigration.LegacyContainer).DeleteIfExistsAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
            await provider.DisposeAsync();
        await _services.DisposeAsync();
    }
}

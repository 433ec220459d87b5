using LensSweep.Silo.Storage;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Silo.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobGrainStorageTests(AzuriteFixture azurite)
{
    public sealed class TrialRecord
    {
        public int Epoch { get; set; }

        public string? CheckpointKey { get; set; }
    }

    private static readonly GrainId Trial = GrainId.Create("trial", "study-1/trial-3");

    private AzureBlobGrainStorage NewStorage(string? container = null) => new(
        "trials",
        AzureBlobConnection.OpenContainer(azurite.ConnectionString, container ?? AzuriteFixture.NewContainerName("state")),
        new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions())),
        NullLogger<AzureBlobGrainStorage>.Instance);

    private static async Task<TestGrainState<TrialRecord>> ReadAsync(AzureBlobGrainStorage storage, string stateName = "trial")
    {
        var state = new TestGrainState<TrialRecord>();
        await storage.ReadStateAsync(stateName, Trial, state);
        return state;
    }

    [Fact]
    public async Task Write_then_read_round_trips_the_state_and_its_etag()
    {
        var storage = NewStorage();
        var written = new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 4, CheckpointKey = "studies/1/trials/3/ckpt-e4" });

        await storage.WriteStateAsync("trial", Trial, written);
        var read = await ReadAsync(storage);

        Assert.True(read.RecordExists);
        Assert.Equal(4, read.State.Epoch);
        Assert.Equal("studies/1/trials/3/ckpt-e4", read.State.CheckpointKey);
        Assert.NotNull(written.ETag);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task Reading_state_never_written_gives_a_fresh_state_and_no_record()
    {
        var read = await ReadAsync(NewStorage());

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State.Epoch);
    }

    [Fact]
    public async Task Clear_deletes_the_state_and_a_later_first_write_succeeds()
    {
        var storage = NewStorage();
        var state = new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 2 });
        await storage.WriteStateAsync("trial", Trial, state);

        await storage.ClearStateAsync("trial", Trial, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.False((await ReadAsync(storage)).RecordExists);
        state.State = new TrialRecord { Epoch = 5 };
        await storage.WriteStateAsync("trial", Trial, state);
        Assert.Equal(5, (await ReadAsync(storage)).State.Epoch);
    }

    [Fact]
    public async Task A_stale_writer_gets_a_conflict_and_does_not_overwrite()
    {
        var storage = NewStorage();
        await storage.WriteStateAsync("trial", Trial, new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 1 }));
        var live = await ReadAsync(storage);
        var stale = await ReadAsync(storage);
        Assert.Equal(live.ETag, stale.ETag);

        live.State.Epoch = 2;
        await storage.WriteStateAsync("trial", Trial, live);
        stale.State.Epoch = 99;

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("trial", Trial, stale));
        Assert.Equal(2, (await ReadAsync(storage)).State.Epoch);
    }

    [Fact]
    public async Task A_stale_clear_gets_a_conflict_and_keeps_the_newer_state()
    {
        var storage = NewStorage();
        await storage.WriteStateAsync("trial", Trial, new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 1 }));
        var live = await ReadAsync(storage);
        var stale = await ReadAsync(storage);
        live.State.Epoch = 3;
        await storage.WriteStateAsync("trial", Trial, live);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("trial", Trial, stale));
        Assert.Equal(3, (await ReadAsync(storage)).State.Epoch);
    }

    [Fact]
    public async Task Of_two_first_writers_racing_exactly_one_wins_and_its_state_is_stored()
    {
        var storage = NewStorage();
        var first = new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 10 });
        var second = new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 20 });

        var outcomes = await Task.WhenAll(
            Outcome(storage.WriteStateAsync("trial", Trial, first)),
            Outcome(storage.WriteStateAsync("trial", Trial, second)));

        Assert.Single(outcomes, o => o is null);
        Assert.IsType<InconsistentStateException>(Assert.Single(outcomes, o => o is not null));
        var winner = outcomes[0] is null ? first : second;
        Assert.Equal(winner.State.Epoch, (await ReadAsync(storage)).State.Epoch);
    }

    [Fact]
    public async Task Two_state_names_of_one_grain_are_stored_apart()
    {
        var storage = NewStorage();
        await storage.WriteStateAsync("trial", Trial, new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 1 }));
        await storage.WriteStateAsync("lease", Trial, new TestGrainState<TrialRecord>(new TrialRecord { Epoch = 2 }));

        Assert.Equal(1, (await ReadAsync(storage, "trial")).State.Epoch);
        Assert.Equal(2, (await ReadAsync(storage, "lease")).State.Epoch);
    }

    private static async Task<Exception?> Outcome(Task write)
    {
        try
        {
            await write;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}

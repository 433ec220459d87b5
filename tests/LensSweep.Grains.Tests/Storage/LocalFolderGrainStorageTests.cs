using LensSweep.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Grains.Tests.Storage;

public sealed class LocalFolderGrainStorageTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("trial", "study/3");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lenssweep-tests", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    [Fact]
    public async Task Written_state_reads_back_with_its_etag()
    {
        var storage = NewStorage();
        var written = new GrainState<List<int>>([1, 2, 3]);
        await storage.WriteStateAsync("progress", Grain, written);

        var read = new GrainState<List<int>>();
        await storage.ReadStateAsync("progress", Grain, read);

        Assert.Equal([1, 2, 3], read.State);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task Missing_state_reads_as_a_fresh_record()
    {
        var read = new GrainState<List<int>>([9]);
        await NewStorage().ReadStateAsync("progress", Grain, read);

        Assert.NotNull(read.State);
        Assert.Empty(read.State);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task A_stale_writer_gets_an_inconsistent_state_exception()
    {
        var storage = NewStorage();
        var first = new GrainState<List<int>>([1]);
        await storage.WriteStateAsync("progress", Grain, first);
        var stale = new GrainState<List<int>>([2]) { ETag = first.ETag };
        await storage.WriteStateAsync("progress", Grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("progress", Grain, stale));
    }

    [Fact]
    public async Task A_writer_that_never_read_cannot_overwrite_existing_state()
    {
        var storage = NewStorage();
        await storage.WriteStateAsync("progress", Grain, new GrainState<List<int>>([1]));

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("progress", Grain, new GrainState<List<int>>([2])));
    }

    [Fact]
    public async Task Another_instance_over_the_same_folder_sees_the_state()
    {
        await NewStorage().WriteStateAsync("progress", Grain, new GrainState<List<int>>([4, 2]));

        var read = new GrainState<List<int>>();
        await NewStorage().ReadStateAsync("progress", Grain, read);

        Assert.Equal([4, 2], read.State);
    }

    [Fact]
    public async Task Cleared_state_is_gone()
    {
        var storage = NewStorage();
        var state = new GrainState<List<int>>([1]);
        await storage.WriteStateAsync("progress", Grain, state);
        await storage.ClearStateAsync("progress", Grain, state);

        var read = new GrainState<List<int>>();
        await storage.ReadStateAsync("progress", Grain, read);

        Assert.False(read.RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task State_names_and_grains_do_not_collide()
    {
        var storage = NewStorage();
        await storage.WriteStateAsync("a", Grain, new GrainState<List<int>>([1]));
        await storage.WriteStateAsync("b", Grain, new GrainState<List<int>>([2]));
        await storage.WriteStateAsync("a", GrainId.Create("trial", "study%2F3"), new GrainState<List<int>>([3]));

        var read = new GrainState<List<int>>();
        await storage.ReadStateAsync("a", Grain, read);

        Assert.Equal([1], read.State);
    }

    public void Dispose()
    {
        _services.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private LocalFolderGrainStorage NewStorage() =>
        new("test", new LocalFolderGrainStorageOptions { Folder = _folder, FlushToDisk = false }, new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()));
}

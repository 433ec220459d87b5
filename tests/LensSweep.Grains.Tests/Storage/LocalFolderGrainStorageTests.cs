using LensSweep.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Grains.Tests.Storage;

public sealed class LocalFolderGrainStorageTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("trial", "study/3");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lenssweep-tests", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly List<LocalFolderGrainStorage> _opened = [];

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

    [Fact]
    public async Task State_reads_back_after_every_storage_over_the_folder_closed()
    {
        using (var storage = NewStorage())
        {
            await storage.WriteStateAsync("progress", Grain, new GrainState<List<int>>([1]));
            var second = new GrainState<List<int>>();
            await storage.ReadStateAsync("progress", Grain, second);
            second.State = [1, 2];
            await storage.WriteStateAsync("progress", Grain, second);
        }

        using var reopened = NewStorage();
        var read = new GrainState<List<int>>();
        await reopened.ReadStateAsync("progress", Grain, read);

        Assert.Equal([1, 2], read.State);
        Assert.Equal("2", read.ETag);
    }

    [Fact]
    public async Task A_record_torn_by_a_crash_is_dropped_and_the_state_before_it_survives()
    {
        using (var storage = NewStorage())
        {
            await storage.WriteStateAsync("a", Grain, new GrainState<List<int>>([1]));
            await storage.WriteStateAsync("b", Grain, new GrainState<List<int>>([2]));
        }

        var log = Path.Combine(_folder, "grain-state.log");
        using (var file = new FileStream(log, FileMode.Open))
        {
            file.SetLength(file.Length - 3);
        }

        using var reopened = NewStorage();
        var a = new GrainState<List<int>>();
        var b = new GrainState<List<int>>();
        await reopened.ReadStateAsync("a", Grain, a);
        await reopened.ReadStateAsync("b", Grain, b);

        Assert.Equal([1], a.State);
        Assert.False(b.RecordExists);
    }

    [Fact]
    public async Task Writes_after_a_torn_tail_survive_the_next_reopen()
    {
        using (var storage = NewStorage())
        {
            await storage.WriteStateAsync("a", Grain, new GrainState<List<int>>([1]));
        }

        File.AppendAllText(Path.Combine(_folder, "grain-state.log"), "half a record");
        using (var storage = NewStorage())
        {
            await storage.WriteStateAsync("b", Grain, new GrainState<List<int>>([2]));
        }

        using var reopened = NewStorage();
        var b = new GrainState<List<int>>();
        await reopened.ReadStateAsync("b", Grain, b);

        Assert.Equal([2], b.State);
    }

    [Fact]
    public async Task A_record_with_a_wrong_checksum_is_not_replayed()
    {
        using (var storage = NewStorage())
        {
            await storage.WriteStateAsync("a", Grain, new GrainState<List<int>>([1]));
        }

        var log = Path.Combine(_folder, "grain-state.log");
        var bytes = File.ReadAllBytes(log);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(log, bytes);

        using var reopened = NewStorage();
        var read = new GrainState<List<int>>();
        await reopened.ReadStateAsync("a", Grain, read);

        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_record_with_records_after_it_stops_the_open_and_changes_nothing()
    {
        var starts = await WriteThreeRecordsAsync();
        var log = Path.Combine(_folder, "grain-state.log");
        var bytes = FlipBitInLog(starts[2] - 2, 0x01);

        var damaged = Assert.Throws<GrainStateLogDamagedException>(() => CreateStorage());

        Assert.Equal(starts[1], damaged.Offset);
        Assert.Equal(1, damaged.LaterRecords);
        Assert.Contains(log, damaged.Message, StringComparison.Ordinal);
        Assert.Contains($"byte {starts[1]}", damaged.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(log));
    }

    [Fact]
    public async Task A_damaged_length_field_is_found_as_damage_not_as_a_torn_tail()
    {
        var starts = await WriteThreeRecordsAsync();
        FlipBitInLog(starts[0] + 3, 0x40);

        var damaged = Assert.Throws<GrainStateLogDamagedException>(() => CreateStorage());

        Assert.Equal(0, damaged.Offset);
        Assert.Equal(2, damaged.LaterRecords);
    }

    [Fact]
    public async Task Repair_keeps_the_records_before_the_damage_and_the_damaged_file_aside()
    {
        var starts = await WriteThreeRecordsAsync();
        var log = Path.Combine(_folder, "grain-state.log");
        var bytes = FlipBitInLog(starts[2] - 2, 0x01);
        var logger = new RecordingLogger();

        using var repaired = CreateStorage(repair: true, logger: logger);

        Assert.True(await ExistsAsync(repaired, "a"));
        Assert.False(await ExistsAsync(repaired, "b"));
        Assert.False(await ExistsAsync(repaired, "c"));
        Assert.Equal(starts[1], new FileInfo(log).Length);
        var aside = Assert.Single(Directory.GetFiles(_folder, "grain-state.log.damaged-*"));
        Assert.Equal(bytes, File.ReadAllBytes(aside));
        var warning = Assert.Single(logger.Entries);
        Assert.Equal(521, warning.EventId);
        Assert.Contains($"dropped {bytes.Length - starts[1]} bytes holding 1 later records", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cutting_a_torn_tail_logs_a_warning_with_the_bytes_cut()
    {
        await WriteThreeRecordsAsync();
        File.AppendAllText(Path.Combine(_folder, "grain-state.log"), "half a record");
        var logger = new RecordingLogger();

        using var reopened = CreateStorage(logger: logger);

        var warning = Assert.Single(logger.Entries);
        Assert.Equal(520, warning.EventId);
        Assert.Contains("torn tail of 13 bytes", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whole_log_opens_without_a_warning()
    {
        await WriteThreeRecordsAsync();
        var logger = new RecordingLogger();

        using var reopened = CreateStorage(logger: logger);

        Assert.Empty(logger.Entries);
    }

    [Fact]
    public async Task A_writer_from_before_a_clear_conflicts_with_a_write_after_it()
    {
        using var storage = NewStorage();
        var old = new GrainState<List<int>>([1]);
        await storage.WriteStateAsync("progress", Grain, old);
        var staleTag = old.ETag;
        await storage.ClearStateAsync("progress", Grain, old);
        await storage.WriteStateAsync("progress", Grain, new GrainState<List<int>>([2]));

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("progress", Grain, new GrainState<List<int>>([3]) { ETag = staleTag }));
    }

    [Fact]
    public async Task Concurrent_writes_to_many_grains_all_reach_the_disk()
    {
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("trial", $"study/{i}")).ToList();
        using (var storage = NewStorage())
        {
            await Task.WhenAll(grains.Select((g, i) => storage.WriteStateAsync("progress", g, new GrainState<List<int>>([i]))));
        }

        using var reopened = NewStorage();
        for (var i = 0; i < grains.Count; i++)
        {
            var read = new GrainState<List<int>>();
            await reopened.ReadStateAsync("progress", grains[i], read);
            Assert.Equal([i], read.State);
        }
    }

    [Fact]
    public async Task Compaction_keeps_the_log_near_the_live_state_and_the_latest_versions()
    {
        var payload = Enumerable.Range(0, 256).ToList();
        using (var storage = NewStorage(compactionFloorBytes: 16 << 10))
        {
            var state = new GrainState<List<int>>(payload);
            for (var i = 0; i < 500; i++)
            {
                state.State = [.. payload, i];
                await storage.WriteStateAsync("progress", Grain, state);
            }
        }

        Assert.InRange(new FileInfo(Path.Combine(_folder, "grain-state.log")).Length, 1, 64 << 10);
        using var reopened = NewStorage();
        var read = new GrainState<List<int>>();
        await reopened.ReadStateAsync("progress", Grain, read);
        Assert.Equal(499, read.State![^1]);
        Assert.Equal("500", read.ETag);
    }

    [Fact]
    public async Task State_files_of_the_earlier_file_per_state_layout_are_imported_and_removed()
    {
        var serializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>());
        var file = Path.Combine(_folder, "trial", "study%2F3", "progress.state");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, [.. BitConverter.GetBytes(7L), .. serializer.Serialize(new List<int> { 5, 6 }).ToArray()]);

        using var storage = NewStorage();
        var read = new GrainState<List<int>>();
        await storage.ReadStateAsync("progress", Grain, read);

        Assert.Equal([5, 6], read.State);
        Assert.Equal("7", read.ETag);
        Assert.False(Directory.Exists(Path.Combine(_folder, "trial")));
    }

    [Fact]
    public void A_folder_another_process_holds_fails_with_a_message_naming_it()
    {
        Directory.CreateDirectory(_folder);
        using var otherProcess = new FileStream(Path.Combine(_folder, "grain-state.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var error = Assert.Throws<IOException>(() => NewStorage());

        Assert.Contains(_folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storages_opened_while_others_over_the_folder_close_never_find_it_held()
    {
        // Silos in one test process come and go together; the last one out must not still hold the lock
        // file when the next one in opens the folder.
        async Task OpenWriteClose(int worker)
        {
            var grain = GrainId.Create("trial", $"study/{worker}");
            for (var i = 0; i < 150; i++)
            {
                using var storage = CreateStorage();
                var state = new GrainState<List<int>>();
                await storage.ReadStateAsync("progress", grain, state);
                state.State = [i];
                await storage.WriteStateAsync("progress", grain, state);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() => OpenWriteClose(worker))));

        var read = new GrainState<List<int>>();
        await NewStorage().ReadStateAsync("progress", GrainId.Create("trial", "study/3"), read);
        Assert.Equal([149], read.State);
    }

    public void Dispose()
    {
        _opened.ForEach(s => s.Dispose());
        _services.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A storage the test disposes when it ends.</summary>
    private LocalFolderGrainStorage NewStorage(long compactionFloorBytes = 8 << 20)
    {
        var storage = CreateStorage(compactionFloorBytes);
        _opened.Add(storage);
        return storage;
    }

    /// <summary>A storage its caller disposes.</summary>
    private LocalFolderGrainStorage CreateStorage(long compactionFloorBytes = 8 << 20, bool repair = false, ILogger? logger = null) => new(
        "test",
        new LocalFolderGrainStorageOptions { Folder = _folder, FlushToDisk = false, CompactionFloorBytes = compactionFloorBytes, RepairDamagedLog = repair },
        new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
        logger);

    /// <summary>Writes states a, b and c (one record each) and returns where each record starts in the log.</summary>
    private async Task<long[]> WriteThreeRecordsAsync()
    {
        var log = Path.Combine(_folder, "grain-state.log");
        var starts = new List<long>();
        using var storage = CreateStorage();
        foreach (var name in new[] { "a", "b", "c" })
        {
            starts.Add(File.Exists(log) ? new FileInfo(log).Length : 0);
            await storage.WriteStateAsync(name, Grain, new GrainState<List<int>>([1, 2, 3]));
        }

        return [.. starts];
    }

    /// <summary>Damages the log as a bad disk would: one bit of byte <paramref name="at"/>; returns the damaged bytes.</summary>
    private byte[] FlipBitInLog(long at, byte bit)
    {
        var log = Path.Combine(_folder, "grain-state.log");
        var bytes = File.ReadAllBytes(log);
        bytes[at] ^= bit;
        File.WriteAllBytes(log, bytes);
        return bytes;
    }

    private static async Task<bool> ExistsAsync(LocalFolderGrainStorage storage, string stateName)
    {
        var read = new GrainState<List<int>>();
        await storage.ReadStateAsync(stateName, Grain, read);
        return read.RecordExists;
    }

    /// <summary>Keeps what was logged, so a test can check a warning was given and what it said.</summary>
    private sealed class RecordingLogger : ILogger
    {
        public List<(int EventId, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
    }
}

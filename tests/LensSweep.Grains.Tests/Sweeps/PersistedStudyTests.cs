using System.Globalization;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Grains.Tests.Sweeps;

/// <summary>A study as main's sweep grain persisted it before the bookkeeping left the grain
/// (Fixtures/study-b237a23, see its README) loads, reads the same and finishes.</summary>
public sealed class PersistedStudyTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Sweeps", "Fixtures", "study-b237a23");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lenssweep-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_study_persisted_by_the_old_grain_shows_the_leaderboard_and_counts_it_showed()
    {
        var (definition, book) = await LoadAsync();

        var board = book.Standings.Leaderboard().Select(e => string.Join(' ',
            e.Trial, e.Status, e.Rung, e.EpochsDone, e.Score.ToString("R", CultureInfo.InvariantCulture), string.Join(',', e.Rungs.Select(r => r.Epochs))));
        var status = book.Standings.Status(book.State, definition.StartedAt, deciding: false);

        Assert.Equal(File.ReadAllLines(Path.Combine(Fixture, "leaderboard.txt")), board);
        Assert.Equal(File.ReadAllText(Path.Combine(Fixture, "counts.txt")), $"{status.Phase} {status.Counts} best={status.Best?.Trial} slots={string.Join(',', status.Slots.Select(s => s.Trial))}");
    }

    [Fact]
    public async Task A_study_persisted_before_the_probe_settings_existed_probes_and_reports_as_it_did()
    {
        var (definition, book) = await LoadAsync();

        var status = book.Standings.Status(book.State, definition.StartedAt, deciding: false);

        var probe = definition.Plan!.Probe;
        Assert.Equal((LensSweep.Models.Mae.FeaturePooling.MeanPatchTokens, 1, (int?)null), (probe.Pooling, probe.Layers, probe.TrainImages));
        Assert.Equal(probe, status.Probe);
    }

    [Fact]
    public async Task A_study_persisted_by_the_old_grain_finishes_on_new_slots_keeping_its_results()
    {
        var (definition, book) = await LoadAsync();
        var before = book.Table.All.Where(t => t.Value.Status == TrialStatus.Completed).ToDictionary(t => t.Key, t => t.Value.Scores.ToList());
        var driver = new BookDriver(definition.Plan!, book, slots: 4, seed: 3, firstLease: 1_000);

        var found = book.Reconcile([]);
        driver.Run();

        Assert.Equal(4, found.Requeued.Count);
        Assert.Equal(SweepPhase.Finished, book.State.Phase);
        Assert.Equal(300, book.Table.All.Count);
        Assert.All(book.Table.All.Values, r => Assert.True(r.Status.IsTerminal(), $"{r.Status}"));
        Assert.NotEmpty(before);
        Assert.All(before, t => Assert.Equal(t.Value, book.Table.All[t.Key].Scores));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task<(SweepDefinitionState Definition, StudyBook Book)> LoadAsync()
    {
        // A copy: opening a local-folder store may rewrite its log.
        Directory.CreateDirectory(_folder);
        File.Copy(Path.Combine(Fixture, "state", "grain-state.log"), Path.Combine(_folder, "grain-state.log"));
        var serializer = new OrleansGrainStorageSerializer(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());
        using var storage = new LocalFolderGrainStorage("fixture", new LocalFolderGrainStorageOptions { Folder = _folder }, serializer);
        var grain = GrainId.Parse(File.ReadAllText(Path.Combine(Fixture, "grain-id.txt")));
        var definition = await ReadAsync<SweepDefinitionState>(storage, "definition", grain);
        var progress = await ReadAsync<SweepProgressState>(storage, "progress", grain);
        var table = await ReadAsync<SweepTableState>(storage, "table", grain);
        Assert.NotEmpty(table.Trials);
        Assert.NotEmpty(progress.Recent);
        return (definition, StudyBook.Load(definition.Plan!, progress, table));
    }

    private static async Task<T> ReadAsync<T>(LocalFolderGrainStorage storage, string name, GrainId grain)
    {
        var state = new GrainState<T>();
        await storage.ReadStateAsync(name, grain, state);
        Assert.True(state.RecordExists, $"the fixture has no '{name}' state");
        return state.State!;
    }
}

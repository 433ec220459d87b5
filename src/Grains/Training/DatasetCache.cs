using System.Collections.Concurrent;
using System.Text.Json;
using LensSweep.Models.Data;
using Microsoft.Extensions.Logging;

namespace LensSweep.Grains.Training;

/// <summary>A study's images: the labelled split, and what the MAE pretrains on (the train split, then the
/// unlabelled <see cref="Pool"/> when the study has one).</summary>
public sealed record StudyData(DataSplit Split, LensDataset PretrainingImages)
{
    /// <summary>The unlabelled pool alone (null: none), so a trial can take a smaller part of it.</summary>
    public LensDataset? Pool { get; init; }

    /// <summary>A trial's view when the study searches its dataset size (<see cref="DatasetSizes"/>: validation and
    /// test fixed, the train split and pool cut); this data itself when the trial names no size.</summary>
    public StudyData ViewOf(int? imagesPerClass, int? unlabelledPerClass, DatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (imagesPerClass is null && unlabelledPerClass is null)
        {
            return this;
        }

        var (split, pretraining) = DatasetSizes.View(Split, Pool, imagesPerClass, unlabelledPerClass, options.ValidationFraction, options.TestFraction);
        return new StudyData(split, pretraining) { Pool = Pool is null ? null : DatasetSizes.FirstPerClass(Pool, unlabelledPerClass ?? int.MaxValue) };
    }
}

/// <summary>
/// Loads each study's dataset once per silo and keeps its split: every trial of a study pretrains and
/// probes on the same images, so simulating or reading them again for every rung would be pure waste.
/// </summary>
public sealed class DatasetCache(ILogger<DatasetLoader> loaderLogger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<StudyData>>> _splits = new(StringComparer.Ordinal);

    /// <summary>The labelled split the probes fit and score on.</summary>
    public async Task<DataSplit> GetAsync(DatasetOptions options, CancellationToken cancellationToken) =>
        (await GetStudyDataAsync(options, cancellationToken).ConfigureAwait(false)).Split;

    /// <summary>The labelled split and what pretraining sees (the train split, joined to the unlabelled pool when the study has one).</summary>
    public Task<StudyData> GetStudyDataAsync(DatasetOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Records compare lists by reference, so the key is the options' JSON (stable field order).
        var key = JsonSerializer.Serialize(options);
        var entry = _splits.GetOrAdd(key, k => new Lazy<Task<StudyData>>(() => LoadOrForgetAsync(k, options)));
        return entry.Value.WaitAsync(cancellationToken);
    }

    /// <summary>A failed load is not cached: the next trial tries again (the folder may have been fixed).</summary>
    private async Task<StudyData> LoadOrForgetAsync(string key, DatasetOptions options)
    {
        try
        {
            return await Task.Run(() => Load(options), CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            _splits.TryRemove(key, out _);
            throw;
        }
    }

    private StudyData Load(DatasetOptions options)
    {
        var dataset = new DatasetLoader(loaderLogger).Load(options);
        if (options.UnlabelledPerClass <= 0 || options.ImagesPerClass is not { } labelledPerClass)
        {
            var split = DataSplitter.Split(dataset, options.ValidationFraction, options.TestFraction, options.Seed);
            return new StudyData(split, split.Train);
        }

        // The simulator keys images by (seed, class, index): the labelled part is the same images a study
        // without a pool gets, and the pool shares none of them.
        var (labelled, pool) = PretrainingPool.SplitOff(dataset, labelledPerClass);
        var labelledSplit = DataSplitter.Split(labelled, options.ValidationFraction, options.TestFraction, options.Seed);
        return new StudyData(labelledSplit, PretrainingPool.Join(labelledSplit.Train, pool)) { Pool = pool };
    }
}

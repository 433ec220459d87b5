using System.Collections.Concurrent;
using System.Text.Json;
using LensSweep.Models.Data;
using Microsoft.Extensions.Logging;

namespace LensSweep.Grains.Training;

/// <summary>
/// Loads each study's dataset once per silo and keeps its split: every trial of a study pretrains and
/// probes on the same images, so simulating or reading them again for every rung would be pure waste.
/// </summary>
public sealed class DatasetCache(ILogger<DatasetLoader> loaderLogger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<DataSplit>>> _splits = new(StringComparer.Ordinal);

    public Task<DataSplit> GetAsync(DatasetOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Records compare lists by reference, so the key is the options' JSON (stable field order).
        var key = JsonSerializer.Serialize(options);
        var entry = _splits.GetOrAdd(key, k => new Lazy<Task<DataSplit>>(() => LoadOrForgetAsync(k, options)));
        return entry.Value.WaitAsync(cancellationToken);
    }

    /// <summary>A failed load is not cached: the next trial tries again (the folder may have been fixed).</summary>
    private async Task<DataSplit> LoadOrForgetAsync(string key, DatasetOptions options)
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

    private DataSplit Load(DatasetOptions options)
    {
        var dataset = new DatasetLoader(loaderLogger).Load(options);
        return DataSplitter.Split(dataset, options.ValidationFraction, options.TestFraction, options.Seed);
    }
}

using LensSweep.Grains.Training;
using LensSweep.Models.Data.DeepLense;
using LensSweep.Models.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace LensSweep.Grains.Tests.Training;

public sealed class DatasetCacheTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"lenssweep-cache-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_failed_load_is_retried_once_the_folder_is_fixed()
    {
        var cache = new DatasetCache(NullLogger<DatasetLoader>.Instance);
        var options = new DatasetOptions { Kind = DatasetKind.DeepLense, Path = _folder, ImagesPerClass = null, ImageSize = 16, ValidationFraction = 0.25, TestFraction = 0.25 };
        await Assert.ThrowsAsync<DatasetException>(() => cache.GetAsync(options, CancellationToken.None));

        var images = new LensSweep.Models.Simulation.LensSimulator(LensSweep.Models.Simulation.SimulatorOptions.ModelII with { ImageSize = 16 }).Generate(8, seed: 1);
        DeepLenseWriter.Write(images, _folder);
        var split = await cache.GetAsync(options, CancellationToken.None);

        Assert.Equal(images.Count, split.Train.Count + split.Validation.Count + split.Test.Count);
    }

    [Fact]
    public async Task The_same_options_load_once()
    {
        var cache = new DatasetCache(NullLogger<DatasetLoader>.Instance);
        var options = new DatasetOptions { ImagesPerClass = 6, ImageSize = 16 };

        var first = await cache.GetAsync(options, CancellationToken.None);
        var second = await cache.GetAsync(options with { }, CancellationToken.None);

        Assert.Same(first, second);
    }

    [Fact]
    public async Task An_unlabelled_pool_joins_pretraining_and_leaves_the_labelled_split_as_it_was()
    {
        var cache = new DatasetCache(NullLogger<DatasetLoader>.Instance);
        var options = new DatasetOptions { ImagesPerClass = 10, ImageSize = 16 };

        var without = await cache.GetStudyDataAsync(options, CancellationToken.None);
        var with = await cache.GetStudyDataAsync(options with { UnlabelledPerClass = 5 }, CancellationToken.None);

        Assert.Equal(without.Split.Validation.Images, with.Split.Validation.Images);
        Assert.Equal(without.Split.Train.Images, with.Split.Train.Images);
        Assert.Same(without.Split.Train, without.PretrainingImages);
        Assert.Equal(with.Split.Train.Count + (5 * 3), with.PretrainingImages.Count);
    }
}

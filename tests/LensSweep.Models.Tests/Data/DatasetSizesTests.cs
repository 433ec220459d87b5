using LensSweep.Models.Data;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Data;

public sealed class DatasetSizesTests
{
    private static (DataSplit Split, LensDataset Pool) Study()
    {
        var data = new LensSimulator(SimulatorOptions.VariedMacroLens with { ImageSize = 16 }).Generate(30, seed: 2);
        var (labelled, pool) = PretrainingPool.SplitOff(data, 20);
        return (DataSplitter.Split(labelled, 0.2, 0.2, seed: 2), pool);
    }

    [Fact]
    public void A_smaller_size_keeps_the_study_validation_and_test_images()
    {
        var (split, pool) = Study();

        var (view, _) = DatasetSizes.View(split, pool, imagesPerClass: 10, unlabelledPerClass: 3, 0.2, 0.2);

        Assert.Same(split.Validation, view.Validation);
        Assert.Same(split.Test, view.Test);
    }

    [Fact]
    public void A_smaller_size_trains_on_the_share_a_dataset_of_that_size_would_train_on()
    {
        var (split, pool) = Study();

        var (view, _) = DatasetSizes.View(split, pool, imagesPerClass: 10, unlabelledPerClass: null, 0.2, 0.2);

        Assert.Equal(3 * DataSplitter.TrainCount(10, 0.2, 0.2), view.Train.Count);
        Assert.Equal(3 * 6, view.Train.Count);
    }

    [Fact]
    public void Smaller_train_splits_are_nested_in_larger_ones()
    {
        var (split, pool) = Study();

        var small = DatasetSizes.View(split, pool, 10, 0, 0.2, 0.2).Split.Train;
        var large = DatasetSizes.View(split, pool, 15, 0, 0.2, 0.2).Split.Train;

        var largeImages = Enumerable.Range(0, large.Count).Select(i => large.Image(i).ToArray()).ToList();
        Assert.All(Enumerable.Range(0, small.Count), i => Assert.Contains(largeImages, image => image.AsSpan().SequenceEqual(small.Image(i))));
    }

    [Fact]
    public void Pretraining_sees_the_view_train_split_then_the_first_pool_images_of_each_class()
    {
        var (split, pool) = Study();

        var (view, pretraining) = DatasetSizes.View(split, pool, 10, 4, 0.2, 0.2);

        Assert.Equal(view.Train.Count + (3 * 4), pretraining.Count);
        Assert.Equal(pool.Image(0).ToArray(), pretraining.Image(view.Train.Count).ToArray());
    }

    [Fact]
    public void No_size_leaves_the_study_data_as_it_is()
    {
        var (split, pool) = Study();

        var (view, pretraining) = DatasetSizes.View(split, pool, null, null, 0.2, 0.2);

        Assert.Same(split.Train, view.Train);
        Assert.Equal(split.Train.Count + pool.Count, pretraining.Count);
    }
}

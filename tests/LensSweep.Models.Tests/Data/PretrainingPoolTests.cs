using LensSweep.Models.Data;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Data;

public sealed class PretrainingPoolTests
{
    [Fact]
    public void Labelled_part_of_a_larger_simulation_is_the_smaller_simulation()
    {
        var simulator = new LensSimulator(SimulatorOptions.ModelII with { ImageSize = 16, PixelScale = 0.4 });
        var alone = simulator.Generate(3, seed: 7);
        var (labelled, pool) = PretrainingPool.SplitOff(simulator.Generate(5, seed: 7), labelledPerClass: 3);

        Assert.Equal(alone.Images, labelled.Images);
        Assert.Equal(alone.Labels, labelled.Labels);
        Assert.Equal(6, pool.Count);
    }

    [Fact]
    public void Pool_shares_no_image_with_the_labelled_part()
    {
        var simulator = new LensSimulator(SimulatorOptions.ModelII with { ImageSize = 16, PixelScale = 0.4 });
        var (labelled, pool) = PretrainingPool.SplitOff(simulator.Generate(6, seed: 2), labelledPerClass: 4);

        var labelledImages = Enumerable.Range(0, labelled.Count).Select(i => labelled.Image(i).ToArray()).ToList();
        for (var i = 0; i < pool.Count; i++)
        {
            var image = pool.Image(i).ToArray();
            Assert.DoesNotContain(labelledImages, l => l.SequenceEqual(image));
        }
    }

    [Fact]
    public void Split_keeps_the_first_images_of_each_class_whatever_the_order()
    {
        var interleaved = TinyModels.Dataset(perClass: 4, seed: 1);   // labels 0, 1, 2, 0, 1, 2, …
        var (labelled, pool) = PretrainingPool.SplitOff(interleaved, labelledPerClass: 1);

        Assert.Equal([0, 1, 2], labelled.Labels);
        Assert.Equal(interleaved.Image(0).ToArray(), labelled.Image(0).ToArray());
        Assert.Equal(9, pool.Count);
    }

    [Fact]
    public void Class_with_no_images_cannot_be_labelled()
    {
        var data = TinyModels.Dataset(perClass: 2, seed: 1);
        var twoClasses = data with { ClassNames = [.. data.ClassNames, "empty"] };
        var error = Assert.Throws<ArgumentException>(() => PretrainingPool.SplitOff(twoClasses, labelledPerClass: 1));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Joined_set_is_the_train_images_then_the_pool_images()
    {
        var train = TinyModels.Dataset(perClass: 2, seed: 1);
        var pool = TinyModels.Dataset(perClass: 1, seed: 2);
        var joined = PretrainingPool.Join(train, pool);

        Assert.Equal(train.Count + pool.Count, joined.Count);
        Assert.Equal(train.Image(5).ToArray(), joined.Image(5).ToArray());
        Assert.Equal(pool.Image(0).ToArray(), joined.Image(train.Count).ToArray());
    }

    [Fact]
    public void Pool_of_another_image_size_cannot_be_joined()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            PretrainingPool.Join(TinyModels.Dataset(perClass: 1, seed: 1), TinyModels.Dataset(perClass: 1, seed: 1, size: 16)));
        Assert.Contains("1×16×16", error.Message);
    }
}

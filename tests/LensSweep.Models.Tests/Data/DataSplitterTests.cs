using LensSweep.Models.Data;

namespace LensSweep.Models.Tests.Data;

public sealed class DataSplitterTests
{
    /// <summary>Class c has counts[c] images; pixel value = image index, so images can be traced through a split.</summary>
    private static LensDataset Indexed(params int[] counts)
    {
        var labels = counts.SelectMany((n, c) => Enumerable.Repeat(c, n)).ToArray();
        var images = Enumerable.Range(0, labels.Length).SelectMany(i => new[] { (float)i, i }).ToArray();
        return new LensDataset(images, labels, labels.Length, 1, 1, 2, counts.Select((_, c) => $"c{c}").ToArray());
    }

    private static IEnumerable<int> Ids(LensDataset d) => Enumerable.Range(0, d.Count).Select(i => (int)d.Image(i)[0]);

    [Fact]
    public void Every_class_is_split_in_the_requested_proportions()
    {
        var split = DataSplitter.Split(Indexed(100, 40, 20), 0.15, 0.25, seed: 1);

        Assert.Equal([15, 6, 3], Enumerable.Range(0, 3).Select(c => split.Validation.Labels.Count(l => l == c)));
        Assert.Equal([25, 10, 5], Enumerable.Range(0, 3).Select(c => split.Test.Labels.Count(l => l == c)));
        Assert.Equal([60, 24, 12], Enumerable.Range(0, 3).Select(c => split.Train.Labels.Count(l => l == c)));
    }

    [Fact]
    public void Parts_are_disjoint_and_cover_the_dataset()
    {
        var split = DataSplitter.Split(Indexed(30, 30), 0.2, 0.2, seed: 9);

        var all = Ids(split.Train).Concat(Ids(split.Validation)).Concat(Ids(split.Test)).Order();

        Assert.Equal(Enumerable.Range(0, 60), all);
    }

    [Fact]
    public void Labels_travel_with_their_images()
    {
        var dataset = Indexed(10, 10, 10);
        var split = DataSplitter.Split(dataset, 0.3, 0.3, seed: 2);

        foreach (var part in new[] { split.Train, split.Validation, split.Test })
        {
            for (var i = 0; i < part.Count; i++)
            {
                Assert.Equal(dataset.Labels[(int)part.Image(i)[0]], part.Labels[i]);
            }
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_split()
    {
        var dataset = Indexed(50, 50);

        var a = DataSplitter.Split(dataset, 0.2, 0.2, seed: 4);
        var b = DataSplitter.Split(dataset, 0.2, 0.2, seed: 4);

        Assert.Equal(Ids(a.Test), Ids(b.Test));
        Assert.Equal(Ids(a.Validation), Ids(b.Validation));
    }

    [Fact]
    public void Different_seeds_give_different_splits()
    {
        var dataset = Indexed(50, 50);

        var a = DataSplitter.Split(dataset, 0.2, 0.2, seed: 4);
        var b = DataSplitter.Split(dataset, 0.2, 0.2, seed: 5);

        Assert.NotEqual(Ids(a.Test), Ids(b.Test));
    }

    [Fact]
    public void A_tiny_class_keeps_one_training_image()
    {
        var split = DataSplitter.Split(Indexed(2, 20), 0.45, 0.45, seed: 0);

        Assert.Equal(1, split.Train.Labels.Count(l => l == 0));
    }

    [Theory]
    [InlineData(-0.1, 0.2)]
    [InlineData(0.2, 1.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(double.NaN, 0.1)]
    public void Impossible_fractions_are_rejected(double validation, double test)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplitter.Split(Indexed(10), validation, test, 0));
    }
}

using LensSweep.Models.Finetuning;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Finetuning;

public sealed class SmallCnnTests
{
    [Fact]
    public void The_parameter_count_formula_matches_the_network()
    {
        using var cnn = new SmallCnn(channels: 3, width: 5, seed: 1);

        Assert.Equal(SmallCnn.ParameterCount(3, 5), cnn.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void The_chosen_width_is_within_a_tenth_of_the_target_size()
    {
        var width = SmallCnn.WidthFor(100_000, channels: 1);

        Assert.InRange(SmallCnn.ParameterCount(1, width), 90_000, 110_000);
    }

    [Fact]
    public void Features_are_four_times_the_width_per_image()
    {
        using var cnn = new SmallCnn(channels: 1, width: 4, seed: 1);
        using var images = rand(2, 1, 16, 16);

        using var features = cnn.Features(images);

        Assert.Equal([2L, 16L], features.shape);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights()
    {
        using var a = new SmallCnn(1, 4, seed: 7);
        using var b = new SmallCnn(1, 4, seed: 7);

        Assert.All(a.parameters().Zip(b.parameters()), pair => Assert.True(pair.First.equal(pair.Second).all().item<bool>()));
    }
}

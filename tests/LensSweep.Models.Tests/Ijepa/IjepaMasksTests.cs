using LensSweep.Models.Ijepa;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Ijepa;

public sealed class IjepaMasksTests
{
    [Fact]
    public void Each_image_gets_four_target_blocks_of_one_shape_and_a_context()
    {
        using var noise = new Generator(3, CPU);

        var masks = IjepaMasks.Sample(batch: 5, grid: 8, noise);

        Assert.Equal([5L, IjepaMasks.TargetBlocks], masks.Targets.shape.Take(2));
        Assert.Equal(5, masks.Context.shape[0]);
        Assert.True(masks.Context.shape[1] > 0);
    }

    [Fact]
    public void A_target_block_is_a_rectangle_of_the_sampled_scale_and_aspect()
    {
        using var noise = new Generator(4, CPU);

        var masks = IjepaMasks.Sample(batch: 3, grid: 8, noise);

        // On 8×8 the target scale gives 9 to 12 patches and the aspect h/w between 0.75 and 1.5, rounded.
        var ids = masks.Targets.data<long>().ToArray();
        var perBlock = (int)masks.Targets.shape[2];
        Assert.InRange(perBlock, 4, 16);
        for (var block = 0; block < ids.Length / perBlock; block++)
        {
            var patches = ids.Skip(block * perBlock).Take(perBlock).ToArray();
            var rows = patches.Select(p => p / 8).Distinct().Count();
            var columns = patches.Select(p => p % 8).Distinct().Count();
            Assert.Equal(perBlock, rows * columns);
            Assert.Equal(rows - 1, patches.Max(p => p / 8) - patches.Min(p => p / 8));
            Assert.Equal(columns - 1, patches.Max(p => p % 8) - patches.Min(p => p % 8));
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void The_context_holds_no_target_patch(int grid)
    {
        using var noise = new Generator(5, CPU);

        var masks = IjepaMasks.Sample(batch: 16, grid, noise);

        for (var b = 0; b < 16; b++)
        {
            var context = masks.Context[b].data<long>().ToArray();
            var targets = masks.Targets[b].flatten().data<long>().ToHashSet();
            Assert.DoesNotContain(context, targets.Contains);
            Assert.Equal(context.Length, context.Distinct().Count());
        }
    }

    [Fact]
    public void The_context_comes_from_one_square_block_of_most_of_the_grid()
    {
        using var noise = new Generator(6, CPU);

        var masks = IjepaMasks.Sample(batch: 4, grid: 8, noise);

        // Scale 0.85–1 of 64 patches, capped below the side: a 7×7 block, so rows and columns span at most 7.
        for (var b = 0; b < 4; b++)
        {
            var context = masks.Context[b].data<long>().ToArray();
            Assert.InRange(context.Max(p => p / 8) - context.Min(p => p / 8), 0, 6);
            Assert.InRange(context.Max(p => p % 8) - context.Min(p => p % 8), 0, 6);
        }
    }

    [Fact]
    public void The_same_generator_seed_gives_the_same_masks()
    {
        using var a = new Generator(9, CPU);
        using var b = new Generator(9, CPU);

        var first = IjepaMasks.Sample(batch: 4, grid: 8, a);
        var second = IjepaMasks.Sample(batch: 4, grid: 8, b);

        Assert.True(first.Context.equal(second.Context).all().item<bool>());
        Assert.True(first.Targets.equal(second.Targets).all().item<bool>());
    }

    [Fact]
    public void A_grid_below_four_patches_a_side_is_refused()
    {
        using var noise = new Generator(1, CPU);

        Assert.Throws<ArgumentOutOfRangeException>(() => IjepaMasks.Sample(batch: 1, grid: 3, noise));
    }
}

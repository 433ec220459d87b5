using LensSweep.Models.Mae;
using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Mae;

public sealed class PatchMaskingTests
{
    [Theory]
    [InlineData(MaskingKind.Random)]
    [InlineData(MaskingKind.Block)]
    [InlineData(MaskingKind.Informed)]
    public void Every_masking_keeps_exactly_the_kept_patch_count(MaskingKind kind)
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config with { Masking = kind, MaskRatio = 0.6 }, seed: 0);
        using var noise = new Generator(11, CPU);

        var (_, mask) = model.Reconstruct(randn(5, 1, 32, 32), noise);

        Assert.Equal(6, model.KeptCount);
        Assert.All(mask.sum(1).data<float>().ToArray(), masked => Assert.Equal(16 - 6, masked));
    }

    [Fact]
    public void Block_masks_are_contiguous_pieces_where_random_masks_are_scattered()
    {
        const int grid = 8, masked = 16, images = 50;
        using var scope = NewDisposeScope();
        using var blockNoise = new Generator(3, CPU);
        using var randomNoise = new Generator(3, CPU);

        var block = Regions(PatchMasking.Block(images, grid, masked, blockNoise), grid, masked);
        var random = Regions(PatchMasking.Random(images, grid * grid, randomNoise), grid, masked);

        Assert.True(block.Average() * 2 < random.Average(), $"block {block.Average()} regions, random {random.Average()}");
        Assert.All(block, regions => Assert.InRange(regions, 1, masked / 4));
    }

    [Fact]
    public void Informed_masking_prefers_the_high_variance_patches()
    {
        using var scope = NewDisposeScope();
        // 16 patches of 8×8; the four on the diagonal carry noise (an "arc"), the rest are flat sky.
        var image = zeros(1, 1, 32, 32);
        foreach (var d in new[] { 0, 1, 2, 3 })
            image[.., .., TensorIndex.Slice(d * 8, d * 8 + 8), TensorIndex.Slice(d * 8, d * 8 + 8)] = randn(1, 1, 8, 8);
        using var model = new MaeModel(TinyModels.Config with { Masking = MaskingKind.Informed, MaskRatio = 0.25 }, seed: 0);
        using var noise = new Generator(5, CPU);
        var arcs = new[] { 0, 5, 10, 15 };

        var (_, mask) = model.Reconstruct(image.expand(200, 1, 32, 32).contiguous(), noise);

        var onArcs = mask.index_select(1, tensor(arcs.Select(i => (long)i).ToArray())).sum().item<float>() / mask.sum().item<float>();
        // Random masking would put a quarter of the masked patches on the arcs.
        Assert.True(onArcs > 0.6, $"{onArcs:P0} of the masked patches lie on the arcs");
    }

    [Theory]
    [InlineData(MaskingKind.Random)]
    [InlineData(MaskingKind.Block)]
    [InlineData(MaskingKind.Informed)]
    public void Each_masking_is_the_same_for_the_same_seed_and_differs_for_another(MaskingKind kind)
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config with { Masking = kind }, seed: 0);
        var images = randn(4, 1, 32, 32, generator: new Generator(1, CPU));

        Tensor MaskFor(ulong seed)
        {
            using var noise = new Generator(seed, CPU);
            return model.Reconstruct(images, noise).Mask;
        }

        Assert.Equal(MaskFor(7).data<float>().ToArray(), MaskFor(7).data<float>().ToArray());
        Assert.NotEqual(MaskFor(7).data<float>().ToArray(), MaskFor(8).data<float>().ToArray());
    }

    /// <summary>4-connected regions of the masked patches (the <paramref name="masked"/> highest scores) per image.</summary>
    private static int[] Regions(Tensor scores, int grid, int masked)
    {
        var order = scores.argsort(1).data<long>().ToArray();
        var regions = new int[scores.shape[0]];
        for (var b = 0; b < regions.Length; b++)
        {
            var isMasked = new bool[grid * grid];
            for (var r = grid * grid - masked; r < grid * grid; r++) isMasked[order[(b * grid * grid) + r]] = true;
            var seen = new bool[grid * grid];
            for (var start = 0; start < isMasked.Length; start++)
            {
                if (!isMasked[start] || seen[start]) continue;
                regions[b]++;
                var stack = new Stack<int>([start]);
                seen[start] = true;
                while (stack.TryPop(out var cell))
                {
                    var (y, x) = (cell / grid, cell % grid);
                    foreach (var (ny, nx) in new[] { (y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1) })
                    {
                        var next = (ny * grid) + nx;
                        if (ny < 0 || ny >= grid || nx < 0 || nx >= grid || !isMasked[next] || seen[next]) continue;
                        seen[next] = true;
                        stack.Push(next);
                    }
                }
            }
        }

        return regions;
    }
}

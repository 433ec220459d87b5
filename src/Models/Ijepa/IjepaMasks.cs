using static TorchSharp.torch;

namespace LensSweep.Models.Ijepa;

/// <summary>The patches one I-JEPA step reads, as patch ids (row-major over the grid) per image.</summary>
/// <param name="Context">[B, K]: the context block minus every target patch, the same count K for every image.</param>
/// <param name="Targets">[B, T, N]: T target blocks of N = h·w patches each (one block shape per batch).</param>
public sealed record IjepaMaskSet(Tensor Context, Tensor Targets);

/// <summary>
/// I-JEPA's multi-block masking (Assran et al. 2023, the released MaskCollator): per batch one target block
/// shape (scale 0.15–0.2 of the patches, aspect 0.75–1.5) and one square context block shape (scale
/// 0.85–1.0), both capped below the grid side as upstream; per image <see cref="TargetBlocks"/> target blocks
/// and one context block at uniform positions; the context loses every patch that any target holds, so the
/// encoder never sees what it must predict. Contexts are cut to the batch's smallest (keeping the first
/// patches in row-major order, as upstream) so they stack. All draws come from the given generator, on the CPU.
/// </summary>
public static class IjepaMasks
{
    /// <summary>Target blocks per image (the paper's 4).</summary>
    public const int TargetBlocks = 4;

    /// <summary>Patches per side below which the blocks degenerate (a 3×3 grid leaves a 2×2 context block).</summary>
    public const int MinimumGrid = 4;

    public const double TargetScaleMin = 0.15, TargetScaleMax = 0.2;
    public const double TargetAspectMin = 0.75, TargetAspectMax = 1.5;
    public const double ContextScaleMin = 0.85, ContextScaleMax = 1.0;

    /// <summary>Placements tried per image before giving up on a context with a patch left (never reached on
    /// a grid of at least <see cref="MinimumGrid"/>: all four targets at one position leave most of the block).</summary>
    private const int MaxPlacements = 1000;

    /// <summary>Samples the context and target patches of a batch of <paramref name="batch"/> images on a
    /// <paramref name="grid"/>×<paramref name="grid"/> patch grid.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The grid is smaller than <see cref="MinimumGrid"/>.</exception>
    public static IjepaMaskSet Sample(long batch, int grid, Generator noise)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grid, MinimumGrid);
        ArgumentNullException.ThrowIfNull(noise);
        // Two draws seed the block shapes and placements (how many draws a placement needs is not known up front).
        var seeds = rand([2], generator: noise).data<float>().ToArray();
        var random = new Random((int)(seeds[0] * (1 << 24)) ^ ((int)(seeds[1] * (1 << 24)) << 7));

        var length = grid * grid;
        var (targetHeight, targetWidth) = BlockShape(random, length, grid, TargetScaleMin, TargetScaleMax, TargetAspectMin, TargetAspectMax);
        var (contextSide, _) = BlockShape(random, length, grid, ContextScaleMin, ContextScaleMax, 1, 1);

        // Three buffers per batch, none per image: the target ids, every image's context ids at a stride of the
        // context block's size (and how many each keeps), and one mark per patch reused by every placement.
        var blockPatches = targetHeight * targetWidth;
        var targets = new long[batch * TargetBlocks * blockPatches];
        var contextBlock = contextSide * contextSide;
        var contexts = new long[batch * contextBlock];
        var counts = new int[batch];
        var inTarget = new bool[length];
        for (var b = 0; b < batch; b++)
        {
            var blocks = targets.AsSpan((int)(b * TargetBlocks * blockPatches), TargetBlocks * blockPatches);
            var context = contexts.AsSpan((int)(b * contextBlock), contextBlock);
            for (var placement = 0; ; placement++)
            {
                if (placement == MaxPlacements)
                    throw new InvalidOperationException($"No I-JEPA context patch is left after {MaxPlacements} placements on a {grid}×{grid} grid.");
                Array.Clear(inTarget);
                for (var t = 0; t < TargetBlocks; t++)
                    PlaceBlock(random, grid, targetHeight, targetWidth, blocks.Slice(t * blockPatches, blockPatches), inTarget);

                var (top, left) = (random.Next(grid - contextSide + 1), random.Next(grid - contextSide + 1));
                var count = 0;
                for (var y = top; y < top + contextSide; y++)
                    for (var x = left; x < left + contextSide; x++)
                        if (!inTarget[(y * grid) + x]) context[count++] = (y * grid) + x;
                counts[b] = count;
                if (count > 0) break;
            }
        }

        // Every context cut to the batch's smallest, keeping its first patches in row-major order.
        var kept = counts.Min();
        var stacked = new long[batch * kept];
        for (var b = 0; b < batch; b++)
            contexts.AsSpan((int)(b * contextBlock), kept).CopyTo(stacked.AsSpan((int)(b * kept), kept));
        return new IjepaMaskSet(
            tensor(stacked, [batch, kept]),
            tensor(targets, [batch, TargetBlocks, blockPatches]));
    }

    /// <summary>Patches a batch's context and each target block hold at most on a <paramref name="grid"/>-side grid
    /// (the largest shapes the scale and aspect ranges allow), for memory estimates on the safe side.</summary>
    public static (int Context, int TargetPerBlock) MaxTokens(int grid)
    {
        var length = grid * grid;
        var largest = Math.Max(1, (int)(length * TargetScaleMax));
        var height = Math.Clamp((int)Math.Round(Math.Sqrt(largest * TargetAspectMax)), 1, grid - 1);
        var width = Math.Clamp((int)Math.Round(Math.Sqrt(largest / TargetAspectMin)), 1, grid - 1);
        var side = Math.Clamp((int)Math.Round(Math.Sqrt((int)(length * ContextScaleMax))), 1, grid - 1);
        return (side * side, height * width);
    }

    /// <summary>Patches a context and a target block hold on average, for FLOP counts: shapes at the middle of the
    /// scale ranges, and the context block less the share that independently placed targets cover.</summary>
    public static (double Context, double TargetPerBlock) ExpectedTokens(int grid)
    {
        var length = (double)grid * grid;
        var target = Math.Max(1, (int)(length * (TargetScaleMin + TargetScaleMax) / 2));
        var side = Math.Clamp((int)Math.Round(Math.Sqrt((int)(length * (ContextScaleMin + ContextScaleMax) / 2))), 1, grid - 1);
        var uncovered = Math.Pow(1 - (target / length), TargetBlocks);
        return (Math.Max(1, side * side * uncovered), target);
    }

    /// <summary>Upstream's block shape: n = ⌊L·scale⌋ patches at aspect h/w, h = round(√(n·aspect)),
    /// w = round(√(n/aspect)), each at least 1 and below the grid side.</summary>
    private static (int Height, int Width) BlockShape(Random random, int length, int grid, double scaleMin, double scaleMax, double aspectMin, double aspectMax)
    {
        var scale = scaleMin + (random.NextDouble() * (scaleMax - scaleMin));
        var aspect = aspectMin + (random.NextDouble() * (aspectMax - aspectMin));
        var patches = Math.Max(1, (int)(length * scale));
        var height = (int)Math.Round(Math.Sqrt(patches * aspect));
        var width = (int)Math.Round(Math.Sqrt(patches / aspect));
        return (Math.Clamp(height, 1, grid - 1), Math.Clamp(width, 1, grid - 1));
    }

    /// <summary>Writes the row-major ids of one block at a uniform position into <paramref name="ids"/> and marks them.</summary>
    private static void PlaceBlock(Random random, int grid, int height, int width, Span<long> ids, bool[] marked)
    {
        var (top, left) = (random.Next(grid - height + 1), random.Next(grid - width + 1));
        var i = 0;
        for (var y = top; y < top + height; y++)
        {
            for (var x = left; x < left + width; x++)
            {
                ids[i++] = (y * grid) + x;
                marked[(y * grid) + x] = true;
            }
        }
    }
}

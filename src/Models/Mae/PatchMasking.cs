using static TorchSharp.torch;

namespace LensSweep.Models.Mae;

/// <summary>
/// The masking strategies, each as a score per patch [B, L]: the <c>kept</c> lowest-scored patches of an
/// image stay visible and the rest are masked, so every strategy hides exactly the same number of patches
/// (<see cref="MaeConfigValidation.KeptCount"/>) and the model's gather/restore machinery is shared. Scores are
/// made on the CPU from the given generator only, so a run is reproducible on any device and per seed.
/// </summary>
public static class PatchMasking
{
    /// <summary>Added to the variance spread before dividing, so flat images (all patches alike) score as random masking.</summary>
    private const double SpreadEpsilon = 1e-6;

    /// <summary>Scores for <paramref name="kind"/>: lowest <paramref name="kept"/> per row stay visible.</summary>
    /// <param name="patches">[B, L, p²·C] patch pixels (read by informed masking only).</param>
    /// <param name="grid">Patches per side (L = grid²), for block masking.</param>
    public static Tensor Scores(MaskingKind kind, Tensor patches, int grid, int kept, double temperature, Generator noise)
    {
        ArgumentNullException.ThrowIfNull(patches);
        var (batch, length) = (patches.shape[0], patches.shape[1]);
        return kind switch
        {
            MaskingKind.Random => Random(batch, length, noise),
            MaskingKind.Block => Block(batch, grid, (int)length - kept, noise),
            MaskingKind.Informed => Informed(patches, temperature, noise),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown masking."),
        };
    }

    /// <summary>MAE's random masking: uniform noise, so the lowest <c>kept</c> are a uniform random subset.</summary>
    public static Tensor Random(long batch, long length, Generator noise) => rand([batch, length], generator: noise);

    /// <summary>
    /// Block-wise masking (BEiT, SimMIM): square blocks of side 2 up to ⌈√(still to mask)⌉ patches (capped by the
    /// grid) at uniform positions, until <paramref name="masked"/> patches are covered. The last block's new
    /// patches are taken in row-major order up to the count, so the count is exact and each block stays one
    /// connected piece. Masked patches score 1 + their order of covering; visible ones a uniform value below 1.
    /// </summary>
    public static Tensor Block(long batch, int grid, int masked, Generator noise)
    {
        var length = grid * grid;
        // Per image: two draws seed the block placement (a block may land on covered patches, so how many
        // draws it needs is not known up front), then one draw per patch orders the visible ones.
        var draws = rand([batch, 2 + length], generator: noise).data<float>().ToArray();
        var scores = new float[batch * length];
        for (var b = 0; b < batch; b++)
        {
            var u = draws.AsSpan(b * (2 + length), 2 + length);
            var placement = new Random((int)(u[0] * (1 << 24)) ^ ((int)(u[1] * (1 << 24)) << 7));
            var row = scores.AsSpan(b * length, length);
            u[2..].CopyTo(row);
            var minSide = Math.Min(2, grid);
            for (var covered = 0; covered < masked;)
            {
                var maxSide = Math.Min(grid, Math.Max(minSide, (int)Math.Ceiling(Math.Sqrt(masked - covered))));
                var side = placement.Next(minSide, maxSide + 1);
                var top = placement.Next(grid - side + 1);
                var left = placement.Next(grid - side + 1);
                for (var y = top; y < top + side && covered < masked; y++)
                {
                    for (var x = left; x < left + side && covered < masked; x++)
                    {
                        if (row[(y * grid) + x] < 1) row[(y * grid) + x] = 1 + covered++;
                    }
                }
            }
        }

        return tensor(scores, [batch, length]);
    }

    /// <summary>
    /// Informed masking: each image's patches are masked with probability rising with their pixel variance,
    /// drawn without replacement by the Gumbel-top-k trick on variance / temperature. Variance, not brightness:
    /// the lensed arcs and the lens galaxy are where pixels change, while empty sky is flat noise whose level
    /// (after standardisation) can be any value. The variances are standardised over each image's patches, so
    /// the temperature means the same on every dataset: at 1, a patch one spread above the image's mean
    /// variance is e≈2.7 times as likely to be chosen first as an average one.
    /// </summary>
    public static Tensor Informed(Tensor patches, double temperature, Generator noise)
    {
        ArgumentNullException.ThrowIfNull(patches);
        var (batch, length) = (patches.shape[0], patches.shape[1]);
        using var _ = no_grad();
        var variance = patches.detach().to(CPU).to(ScalarType.Float64).var(-1, unbiased: false);
        var standardised = (variance - variance.mean([1], keepdim: true)) / (variance.std(1, unbiased: false, keepdim: true) + SpreadEpsilon);
        var uniform = rand([batch, length], dtype: ScalarType.Float64, generator: noise).clamp(1e-12, 1 - 1e-12);
        var gumbel = -(-uniform.log()).log();
        // The highest (variance / T + Gumbel) are masked; the lowest, kept.
        return ((standardised / temperature) + gumbel).to(ScalarType.Float32);
    }
}

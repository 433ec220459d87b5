using LensSweep.Models.Mae;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Mae;

/// <summary>Each loss on a 4×4 image of the values 0..15 in 2×2 patches, predicted as zeros, with patches 0
/// ([0, 1, 4, 5]) and 3 ([10, 11, 14, 15]) masked: the numbers are worked out by hand in each test.</summary>
public sealed class ReconstructionLossTests
{
    private static float LossOf(ReconstructionLoss loss)
    {
        using var scope = NewDisposeScope();
        var config = new MaeConfig
        {
            ImageSize = 4, PatchSize = 2, EmbedDim = 8, Heads = 2, DecoderEmbedDim = 8, DecoderHeads = 2,
            Depth = 1, DecoderDepth = 1, MaskRatio = 0.5, Loss = loss,
        };
        using var model = new MaeModel(config, seed: 0);
        var images = arange(16, dtype: ScalarType.Float32).reshape(1, 1, 4, 4);
        var mask = tensor(new float[] { 1, 0, 0, 1 }).reshape(1, 4);
        return model.Loss(images, zeros(1, 4, 4), mask).item<float>();
    }

    [Fact]
    public void Mse_is_the_mean_squared_pixel_over_the_masked_patches() =>
        // patch 0: (0 + 1 + 16 + 25) / 4 = 10.5; patch 3: (100 + 121 + 196 + 225) / 4 = 160.5; mean 85.5
        Assert.Equal(85.5f, LossOf(ReconstructionLoss.Mse), 4);

    [Fact]
    public void L1_is_the_mean_absolute_pixel_over_the_masked_patches() =>
        // patch 0: (0 + 1 + 4 + 5) / 4 = 2.5; patch 3: (10 + 11 + 14 + 15) / 4 = 12.5; mean 7.5
        Assert.Equal(7.5f, LossOf(ReconstructionLoss.L1), 4);

    [Fact]
    public void Mse_norm_pix_scores_against_each_patch_normalised_with_its_unbiased_variance() =>
        // Each patch deviates by (±1.5, ±2.5): squares sum to 17, unbiased variance 17/3; against a zero
        // prediction the normalised target's mean square is 17 / (4 · 17/3) = 0.75 (the 1e-6 barely shows).
        Assert.Equal(0.75f, LossOf(ReconstructionLoss.MseNormPix), 4);
}

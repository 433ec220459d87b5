using LensSweep.Models.Mae;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Mae;

/// <summary>Each loss on a 4×4 image of the values 0..15 in 2×2 patches, predicted as zeros, with patches 0
/// ([0, 1, 4, 5]) and 3 ([10, 11, 14, 15]) masked: the numbers are worked out by hand in each test.</summary>
public sealed class ReconstructionLossTests
{
    private static float LossOf(ReconstructionLoss loss, float prediction = 0)
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
        return model.Loss(images, full(1, 4, 4, prediction), mask).item<float>();
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
    public void Bce_scores_logits_against_the_image_min_max_scaled_to_one() =>
        // Scaled by 1/15, the masked targets average (0 + 1 + 4 + 5 + 10 + 11 + 14 + 15) / 15 / 8 = 0.5; the BCE of
        // logit 1 against t is softplus(1) − t, so the mean is ln(1 + e) − 0.5 = 0.81326.
        Assert.Equal(0.81326f, LossOf(ReconstructionLoss.Bce, prediction: 1), 4);

    [Fact]
    public void Mse_norm_pix_scores_against_each_patch_normalised_with_its_unbiased_variance() =>
        // Each patch deviates by (±1.5, ±2.5): squares sum to 17, unbiased variance 17/3; against a zero
        // prediction the normalised target's mean square is 17 / (4 · 17/3) = 0.75 (the 1e-6 barely shows).
        Assert.Equal(0.75f, LossOf(ReconstructionLoss.MseNormPix), 4);

    [Fact]
    public void Bce_training_lowers_the_loss_on_a_fixed_batch()
    {
        using var model = new MaeModel(TinyModels.Config with { Loss = ReconstructionLoss.Bce }, seed: 0);
        using var step = new LensSweep.Models.Training.MaeTrainingStep(model, TinyModels.Optimizer);
        var images = tensor(TinyModels.Dataset(perClass: 4, seed: 1).Images.AsSpan(0, 8 * 32 * 32).ToArray(), [8, 1, 32, 32]);

        var losses = Enumerable.Range(0, 15).Select(_ =>
        {
            using var noise = new Generator(1, CPU);
            return step.Run(images, noise, learningRate: 1e-3);
        }).ToList();

        Assert.True(losses[^1] < losses[0], $"loss went {string.Join(", ", losses)}");
    }
}

using LensSweep.Models.Mae;
using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Mae;

public sealed class MaeModelTests
{
    [Fact]
    public void Reference_config_has_the_parameter_count_of_the_python_reference()
    {
        using var model = new MaeModel(new MaeConfig(), seed: 0);
        Assert.Equal(914_240, model.ParameterCount);
    }

    [Fact]
    public void Cls_token_adds_exactly_one_embedding_worth_of_parameters()
    {
        using var model = new MaeModel(new MaeConfig { UseClsToken = true }, seed: 0);
        Assert.Equal(914_240 + 128, model.ParameterCount);
    }

    [Fact]
    public void Reference_training_cost_is_about_126_megaflops_per_image()
    {
        var flops = MaeCost.TrainingFlopsPerImage(new MaeConfig());
        Assert.InRange(flops, 125e6, 128e6);
    }

    [Theory]
    [InlineData(0.75, 4)]
    [InlineData(0.5, 8)]
    [InlineData(0.9, 1)]   // 16·0.1 = 1.6 floors to 1, as upstream's int(L * (1 - mask_ratio))
    [InlineData(0.6, 6)]   // 16·0.4 = 6.4
    public void Masking_keeps_floor_L_times_one_minus_ratio_patches(double ratio, int kept)
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config with { MaskRatio = ratio }, seed: 0);
        using var noise = new Generator(7, CPU);
        var tokens = randn(3, 16, 32);
        var (visible, mask, restore) = model.RandomMasking(tokens, noise);

        Assert.Equal(new long[] { 3, kept, 32 }, visible.shape);
        Assert.Equal(new long[] { 3, 16 }, mask.shape);
        Assert.Equal(new long[] { 3, 16 }, restore.shape);
        Assert.All(mask.sum(1).data<float>().ToArray(), masked => Assert.Equal(16 - kept, masked));
    }

    [Fact]
    public void Visible_tokens_are_exactly_the_unmasked_ones()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config, seed: 0);
        using var noise = new Generator(3, CPU);
        // Token i carries the value i, so the visible set can be read back.
        var tokens = arange(16, dtype: ScalarType.Float32).reshape(1, 16, 1).expand(2, 16, 4).contiguous();
        var (visible, mask, _) = model.RandomMasking(tokens, noise);
        for (var b = 0; b < 2; b++)
        {
            var kept = visible[b, .., 0].data<float>().Select(v => (int)v).OrderBy(v => v).ToArray();
            var unmasked = Enumerable.Range(0, 16).Where(i => mask[b, i].item<float>() == 0).ToArray();
            Assert.Equal(unmasked, kept);
        }
    }

    [Fact]
    public void Forward_gives_a_scalar_loss_and_a_prediction_per_masked_patch()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config, seed: 0);
        using var noise = new Generator(1, CPU);
        var output = model.Forward(randn(2, 1, 32, 32), noise);
        var masked = 16 - model.KeptCount;
        Assert.Equal(0, output.Loss.dim());
        Assert.Equal(new long[] { 2, masked, 64 }, output.Prediction.shape);
        Assert.True(float.IsFinite(output.Loss.item<float>()));
        for (var b = 0; b < 2; b++)
        {
            var ids = output.MaskedIds[b].data<long>().ToArray();
            Assert.All(ids, id => Assert.Equal(1f, output.Mask[b, id].item<float>()));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decoding_masked_patches_only_gives_the_loss_and_gradients_of_decoding_every_patch(bool clsToken)
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config with { UseClsToken = clsToken, DecoderDepth = 2 }, seed: 0);
        var images = randn(3, 1, 32, 32);
        using (var noise = new Generator(5, CPU))
        {
            model.Forward(images, noise).Loss.backward();
        }

        var lean = model.parameters().Select(p => p.grad!.clone()).ToList();
        model.zero_grad();
        using (var noise = new Generator(5, CPU))
        {
            var (prediction, mask) = model.Reconstruct(images, noise);
            model.Loss(images, prediction, mask).backward();
        }

        var full = model.parameters().Select(p => p.grad!).ToList();
        for (var i = 0; i < full.Count; i++)
        {
            Assert.True(lean[i].allclose(full[i], rtol: 1e-4, atol: 1e-6), $"gradient {i} differs");
        }
    }

    [Fact]
    public void The_patch_embedding_equals_the_convolution_whose_weights_it_holds()
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.Config with { Channels = 3 };
        using var model = new MaeModel(config, seed: 0);
        var images = randn(2, 3, 32, 32);
        var conv = model.named_modules().Single(m => m.name == "patch_embed").module as TorchSharp.Modules.Conv2d;

        var viaConvolution = conv!.forward(images).flatten(2).transpose(1, 2);

        Assert.True(model.PatchTokens(images).allclose(viaConvolution, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Cls_variant_predicts_patches_only_and_exposes_the_cls_feature()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config with { UseClsToken = true }, seed: 0);
        using var noise = new Generator(1, CPU);
        var images = randn(2, 1, 32, 32);
        Assert.Equal(new long[] { 2, 16 - model.KeptCount, 64 }, model.Forward(images, noise).Prediction.shape);
        Assert.Equal(new long[] { 2, 17, 32 }, model.EncodeAll(images).shape);
        Assert.Equal(new long[] { 2, 32 }, model.PooledFeatures(images, FeaturePooling.ClsToken).shape);
    }

    [Fact]
    public void Encoder_without_masking_sees_every_patch_and_pools_to_one_vector()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config, seed: 0);
        var images = randn(5, 1, 32, 32);
        Assert.Equal(new long[] { 5, 16, 32 }, model.EncodeAll(images).shape);
        Assert.Equal(new long[] { 5, 32 }, model.PooledFeatures(images, FeaturePooling.MeanPatchTokens).shape);
    }

    [Fact]
    public void Images_of_the_wrong_size_are_rejected_with_the_expected_shape()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config, seed: 0);
        var error = Assert.Throws<ArgumentException>(() => model.EncodeAll(randn(2, 1, 64, 64)));
        Assert.Contains("[B, 1, 32, 32]", error.Message);
    }

    [Fact]
    public void Patchify_orders_patches_row_major_and_pixels_row_major_inside()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config, seed: 0);
        var image = arange(32 * 32, dtype: ScalarType.Float32).reshape(1, 1, 32, 32);
        var patches = model.Patchify(image);
        // Patch 5 is grid row 1, column 1: its first pixel is image (8, 8), its second (8, 9), its ninth (9, 8).
        Assert.Equal(8 * 32 + 8, patches[0, 5, 0].item<float>());
        Assert.Equal(8 * 32 + 9, patches[0, 5, 1].item<float>());
        Assert.Equal(9 * 32 + 8, patches[0, 5, 8].item<float>());
    }

    [Fact]
    public void Sin_cos_table_matches_mae_for_the_first_positions()
    {
        var table = SinCosPositions.Table(8, 2);
        // dim 8: quarter 2, omegas 1 and 1/100. Position (row 1, col 0) = index 2: column half zeros, row half.
        float[] expected = [0, 0, 1, 1, (float)Math.Sin(1), (float)Math.Sin(0.01), (float)Math.Cos(1), (float)Math.Cos(0.01)];
        Assert.Equal(expected, table.AsSpan(2 * 8, 8).ToArray());
    }

    [Fact]
    public void Same_seed_gives_the_same_weights()
    {
        using var a = new MaeModel(TinyModels.Config, seed: 5);
        using var b = new MaeModel(TinyModels.Config, seed: 5);
        foreach (var (pa, pb) in a.parameters().Zip(b.parameters()))
            Assert.True(pa.equal(pb).all().item<bool>(), "parameters differ for the same seed");
    }

    [Fact]
    public void Region_means_keep_one_mean_token_per_region()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config, seed: 0);
        var side = TinyModels.Config.ImageSize / TinyModels.Config.PatchSize;
        var images = randn(3, TinyModels.Config.Channels, TinyModels.Config.ImageSize, TinyModels.Config.ImageSize);

        var regions = model.PooledFeatures(images, FeaturePooling.RegionMeans, regionGrid: 2);
        var tokens = model.EncodeAll(images).reshape(3, side, side, TinyModels.Config.EmbedDim);
        // The top-left region is the mean of the top-left (side/2)² patch tokens, embedding first.
        var topLeft = tokens.narrow(1, 0, side / 2).narrow(2, 0, side / 2).mean([1, 2]);

        Assert.Equal(new long[] { 3, TinyModels.Config.EmbedDim * 4 }, regions.shape);
        Assert.Equal(model.PooledDimension(FeaturePooling.RegionMeans, 2), (int)regions.shape[1]);
        Assert.True(regions.reshape(3, TinyModels.Config.EmbedDim, 4).select(2, 0).allclose(topLeft, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Region_grid_that_does_not_divide_the_patch_grid_is_rejected()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 0);
        var images = randn(1, TinyModels.Config.Channels, TinyModels.Config.ImageSize, TinyModels.Config.ImageSize);
        var error = Assert.Throws<ArgumentException>(() => model.PooledFeatures(images, FeaturePooling.RegionMeans, regionGrid: 3));
        Assert.Contains("Region grid 3", error.Message);
    }

    [Fact]
    public void Last_encoder_layer_is_what_encode_all_returns()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config with { Depth = 2 }, seed: 0);
        var images = randn(2, 1, 32, 32);
        Assert.True(model.EncodeLayers(images, [2])[0].allclose(model.EncodeAll(images), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Layer_zero_is_the_normalised_patch_embedding_before_any_block()
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.Config with { Depth = 2 };
        using var model = new MaeModel(config, seed: 0);
        var images = randn(2, 1, 32, 32);
        // The final LayerNorm starts as the identity affine, so layer 0 is a plain layer norm of the
        // embedded patches: it must differ from the block outputs and be normalised per token.
        var layerZero = model.EncodeLayers(images, [0])[0];
        Assert.Equal(new long[] { 2, 16, 32 }, layerZero.shape);
        Assert.False(layerZero.allclose(model.EncodeAll(images), rtol: 1e-3, atol: 1e-3));
        var normalised = nn.functional.layer_norm(layerZero, [32], eps: 1e-6);
        Assert.True(layerZero.allclose(normalised, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Pooled_features_of_several_layers_are_the_per_layer_pools_side_by_side()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config with { Depth = 2 }, seed: 0);
        var images = randn(3, 1, 32, 32);
        var both = model.PooledFeatures(images, FeaturePooling.RegionMeans, regionGrid: 2, layers: [0, 2]);
        var last = model.PooledFeatures(images, FeaturePooling.RegionMeans, regionGrid: 2);

        Assert.Equal(model.PooledDimension(FeaturePooling.RegionMeans, 2, layerCount: 2), (int)both.shape[1]);
        Assert.True(both.narrow(1, 32 * 4, 32 * 4).allclose(last, rtol: 1e-5, atol: 1e-6));
    }

    [Theory]
    [InlineData(new int[0], "At least one")]
    [InlineData(new[] { 3 }, "layer 3 does not exist")]
    [InlineData(new[] { -1 }, "layer -1 does not exist")]
    [InlineData(new[] { 1, 1 }, "repeat")]
    public void Encoder_layers_that_do_not_exist_or_repeat_are_rejected(int[] layers, string expected)
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config with { Depth = 2 }, seed: 0);
        var error = Assert.Throws<ArgumentException>(() => model.EncodeLayers(randn(1, 1, 32, 32), layers));
        Assert.Contains(expected, error.Message);
    }
}

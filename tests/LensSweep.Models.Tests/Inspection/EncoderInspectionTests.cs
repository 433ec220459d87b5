using LensSweep.Models.Inspection;
using LensSweep.Models.Mae;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Inspection;

public sealed class EncoderInspectionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_query_of_the_last_block_attends_with_weights_that_sum_to_one(bool clsToken)
    {
        using var model = new MaeModel(TinyModels.Config with { Depth = 2, UseClsToken = clsToken }, seed: 1);
        var data = TinyModels.Dataset(perClass: 1, seed: 2);
        using var images = tensor(data.Images, [data.Count, 1, 32, 32]);
        using var weights = model.LastBlockAttention(images);
        var tokens = model.PatchCount + (clsToken ? 1 : 0);

        Assert.Equal(new long[] { data.Count, model.Config.Heads, tokens, tokens }, weights.shape);
        using var rowSums = weights.sum([-1]);
        Assert.True((rowSums - 1).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void Attention_maps_give_each_head_and_their_mean_a_distribution_over_the_patch_grid()
    {
        using var model = new MaeModel(TinyModels.Config with { UseClsToken = true }, seed: 1);
        var samples = EncoderInspection.Attention(model, TinyModels.Dataset(perClass: 2, seed: 2), count: 4);

        Assert.Equal(4, samples.Count);
        Assert.All(samples, s =>
        {
            Assert.Equal(model.Config.Heads + 1, s.Heads.Count);
            Assert.All(s.Heads, map => Assert.Equal(1.0, map.Sum(), 4));
            Assert.Equal(model.PatchCount, s.Grid * s.Grid);
        });
    }

    [Fact]
    public void A_reconstruction_hides_exactly_the_masked_patches_and_predicts_every_pixel()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 1);
        var samples = EncoderInspection.Reconstruct(model, TinyModels.Dataset(perClass: 1, seed: 2), count: 3, seed: 4);
        var patchPixels = model.Config.PatchSize * model.Config.PatchSize;
        var maskedPatches = model.PatchCount - model.KeptCount;

        Assert.Equal(3, samples.Count);
        Assert.All(samples, s =>
        {
            Assert.Equal(maskedPatches * patchPixels, s.Masked.Count(float.IsNaN));
            Assert.All(s.Reconstruction, v => Assert.True(float.IsFinite(v)));
            Assert.Equal(s.Input.Where((_, i) => !float.IsNaN(s.Masked[i])), s.Masked.Where(v => !float.IsNaN(v)));
        });
    }

    [Fact]
    public void A_bce_reconstruction_is_put_back_between_the_image_s_own_minimum_and_maximum()
    {
        using var model = new MaeModel(TinyModels.Config with { Loss = ReconstructionLoss.Bce }, seed: 1);

        var samples = EncoderInspection.Reconstruct(model, TinyModels.Dataset(perClass: 1, seed: 2), count: 3, seed: 4);

        Assert.All(samples, s => Assert.All(s.Reconstruction, v => Assert.InRange(v, s.Input.Min(), s.Input.Max())));
    }

    [Fact]
    public void Reconstructions_are_the_same_for_the_same_seed()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 1);
        var data = TinyModels.Dataset(perClass: 1, seed: 2);
        var first = EncoderInspection.Reconstruct(model, data, count: 2, seed: 4);
        var again = EncoderInspection.Reconstruct(model, data, count: 2, seed: 4);

        Assert.Equal(first[1].Reconstruction, again[1].Reconstruction);
        Assert.Equal(first[1].Masked.Select(float.IsNaN), again[1].Masked.Select(float.IsNaN));
    }

    [Fact]
    public void Features_are_one_pooled_vector_per_image_whatever_the_batch()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 1);
        var data = TinyModels.Dataset(perClass: 3, seed: 2);
        var whole = EncoderInspection.Features(model, data, batchSize: 64);
        var batched = EncoderInspection.Features(model, data, batchSize: 4);

        Assert.Equal(data.Count * model.Config.EmbedDim, whole.Length);
        Assert.Equal(whole.Length, batched.Length);
        Assert.All(whole.Zip(batched), pair => Assert.Equal(pair.First, pair.Second, 5));
    }
}

public sealed class PcaTests
{
    [Fact]
    public void Variance_along_two_axes_is_split_as_their_spreads_say()
    {
        // x spreads ±2, y ±1: the variances are 8 and 2 of 10.
        float[] rows = [2, 0, 0, -2, 0, 0, 0, 1, 0, 0, -1, 0];
        var projection = Pca.Project(rows, count: 4, dimension: 3);

        Assert.Equal(0.8, projection.ExplainedVariance[0], 6);
        Assert.Equal(0.2, projection.ExplainedVariance[1], 6);
        Assert.Equal(2.0, Math.Abs(projection.At(0, 0)), 6);
        Assert.Equal(0.0, projection.At(0, 1), 6);
        Assert.Equal(1.0, Math.Abs(projection.At(2, 1)), 6);
    }

    [Fact]
    public void Points_on_a_line_project_onto_one_component()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 50).SelectMany(_ =>
        {
            var t = (float)random.NextDouble();
            return new[] { t, 2 * t, -t, 5f };
        }).ToArray();
        var projection = Pca.Project(rows, count: 50, dimension: 4);

        Assert.True(projection.ExplainedVariance[0] > 0.999, $"first component explains {projection.ExplainedVariance[0]}");
    }

    [Fact]
    public void More_components_than_the_data_has_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Project([1, 2, 3], count: 1, dimension: 3, components: 2));
    }
}

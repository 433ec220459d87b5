using LensSweep.Models.Mae;

namespace LensSweep.Models.Tests.Mae;

public sealed class MaeConfigValidationTests
{
    private static readonly MaeConfig Valid = TinyModels.Config;

    [Fact]
    public void Reference_config_is_valid() => Assert.Empty(new MaeConfig().Validate());

    [Fact]
    public void Patch_that_does_not_divide_the_image_is_rejected() =>
        AssertSingleProblem(Valid with { PatchSize = 7 }, "PatchSize 7 does not divide ImageSize 32");

    [Fact]
    public void Heads_that_do_not_divide_the_embedding_are_rejected() =>
        AssertSingleProblem(Valid with { Heads = 3 }, "Heads 3 does not divide EmbedDim 32");

    [Fact]
    public void Decoder_heads_that_do_not_divide_the_decoder_width_are_rejected() =>
        AssertSingleProblem(Valid with { DecoderHeads = 3 }, "DecoderHeads 3 does not divide DecoderEmbedDim 16");

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    [InlineData(double.NaN)]
    public void Mask_ratio_outside_the_open_unit_interval_is_rejected(double ratio) =>
        AssertSingleProblem(Valid with { MaskRatio = ratio }, "MaskRatio must lie strictly between 0 and 1");

    [Fact]
    public void Mask_ratio_that_keeps_no_patch_is_rejected() =>
        AssertSingleProblem(Valid with { MaskRatio = 0.99 }, "at least one patch must be kept");

    [Theory]
    [InlineData(nameof(MaeConfig.ImageSize))]
    [InlineData(nameof(MaeConfig.EmbedDim))]
    [InlineData(nameof(MaeConfig.Depth))]
    [InlineData(nameof(MaeConfig.DecoderDepth))]
    public void Non_positive_sizes_are_rejected(string property)
    {
        var config = property switch
        {
            nameof(MaeConfig.ImageSize) => Valid with { ImageSize = 0 },
            nameof(MaeConfig.EmbedDim) => Valid with { EmbedDim = -4 },
            nameof(MaeConfig.Depth) => Valid with { Depth = 0 },
            _ => Valid with { DecoderDepth = 0 },
        };
        Assert.Contains(config.Validate(), p => p.StartsWith($"{property} must be positive", StringComparison.Ordinal));
    }

    [Fact]
    public void Embedding_not_divisible_by_four_is_rejected_for_the_sin_cos_table() =>
        AssertSingleProblem(Valid with { EmbedDim = 30, Heads = 2 }, "EmbedDim must be a multiple of 4");

    [Fact]
    public void All_problems_are_reported_together()
    {
        var problems = (Valid with { PatchSize = 7, Heads = 3, MaskRatio = 1.5 }).Validate();
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Building_a_model_from_an_invalid_config_throws_listing_every_problem()
    {
        var error = Assert.Throws<ArgumentException>(() => new MaeModel(Valid with { PatchSize = 7, DecoderHeads = 3 }, 0));
        Assert.Contains("PatchSize 7 does not divide ImageSize 32", error.Message);
        Assert.Contains("DecoderHeads 3 does not divide DecoderEmbedDim 16", error.Message);
    }

    private static void AssertSingleProblem(MaeConfig config, string expected)
    {
        var problem = Assert.Single(config.Validate());
        Assert.Contains(expected, problem);
    }
}

using LensSweep.Models.Ijepa;
using LensSweep.Models.Mae;

namespace LensSweep.Models.Tests.Ijepa;

public sealed class IjepaCostTests
{
    private static readonly MaeConfig Reference = new() { Objective = PretrainingObjective.Ijepa };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_estimated_parameter_count_is_every_weight_of_the_ijepa_model(bool clsToken)
    {
        var config = Reference with { UseClsToken = clsToken };
        using var model = new IjepaModel(config, seed: 0);

        Assert.Equal(model.parameters().Sum(p => p.numel()), MaeMemory.ParameterCount(config));
    }

    [Fact]
    public void Ijepa_is_estimated_to_need_more_memory_than_the_mae_of_the_same_shape() =>
        Assert.True(MaeMemory.TrainingBytes(Reference, 64) > MaeMemory.TrainingBytes(new MaeConfig(), 64));

    [Fact]
    public void Ijepa_training_flops_include_the_target_encoders_pass_over_every_patch() =>
        Assert.True(MaeCost.TrainingFlopsPerImage(Reference) > 3 * MaeCost.ForwardFlopsPerImage(Reference) + 0.99 * MaeCost.EncoderFlopsPerImage(Reference));

    [Fact]
    public void The_largest_blocks_bound_the_expected_ones()
    {
        var (maxContext, maxTarget) = IjepaMasks.MaxTokens(8);
        var (context, target) = IjepaMasks.ExpectedTokens(8);

        Assert.Equal((49, 16), (maxContext, maxTarget));
        Assert.InRange(context, 1, maxContext);
        Assert.InRange(target, 1, maxTarget);
    }
}

using LensSweep.Models.Mae;
using LensSweep.Models.Training;

namespace LensSweep.Models.Tests.Mae;

public sealed class MaeMemoryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_estimated_parameter_count_is_the_models_own(bool clsToken)
    {
        var config = new MaeConfig { UseClsToken = clsToken };
        using var model = new MaeModel(config, seed: 0);

        Assert.Equal(model.ParameterCount, MaeMemory.ParameterCount(config));
    }

    [Fact]
    public void A_wider_batch_needs_more_memory() =>
        Assert.True(MaeMemory.TrainingBytes(new MaeConfig(), 256) > MaeMemory.TrainingBytes(new MaeConfig(), 32));

    [Fact]
    public void A_million_wide_encoder_needs_terabytes() =>
        Assert.True(MaeMemory.TrainingBytes(new MaeConfig { EmbedDim = 1_000_000, Heads = 1 }, 64) > 1e12);
}

public sealed class WeightDecayRuleTests
{
    [Fact]
    public void A_weight_decay_whose_step_factor_reaches_zero_is_a_problem()
    {
        var problems = new OptimizerConfig { LearningRate = 1e-3, WeightDecay = 1000 }.Problems();

        var problem = Assert.Single(problems);
        Assert.Equal([nameof(OptimizerConfig.WeightDecay), nameof(OptimizerConfig.LearningRate)], problem.Settings);
    }

    [Fact]
    public void The_usual_weight_decay_is_not_a_problem() =>
        Assert.Empty(new OptimizerConfig { LearningRate = 1.5e-4, WeightDecay = 0.05 }.Problems());
}

using LensSweep.Models.Training;

namespace LensSweep.Models.Tests.Training;

public sealed class LearningRateScheduleTests
{
    private static readonly OptimizerConfig Config = new() { LearningRate = 1.0, WarmupEpochs = 2, TotalEpochs = 10 };

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 0.5)]
    [InlineData(2.0, 1.0)]
    [InlineData(6.0, 0.5)]    // half-way through the cosine
    [InlineData(10.0, 0.0)]
    public void Warm_up_is_linear_then_cosine_decays_to_zero(double epoch, double expected) =>
        Assert.Equal(expected, Config.LearningRateAt(epoch), 12);

    [Fact]
    public void Invalid_optimizer_settings_are_all_reported()
    {
        var problems = new OptimizerConfig { LearningRate = 0, BatchSize = 0, Beta2 = 1.0 }.Validate();
        Assert.Equal(3, problems.Count);
    }
}

using LensSweep.Models.Ijepa;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Ijepa;

public sealed class IjepaModelTests
{
    private static readonly MaeConfig Config = TinyModels.Config with { Objective = PretrainingObjective.Ijepa };

    private static Tensor Images(int count = 4) => tensor(TinyModels.Dataset(perClass: 4, seed: 1).Images.AsSpan(0, count * 32 * 32).ToArray(), [count, 1, 32, 32]);

    [Fact]
    public void A_pass_predicts_every_target_patch_at_the_encoder_width()
    {
        using var model = new IjepaModel(Config, seed: 0);
        using var noise = new Generator(1, CPU);

        var output = model.Forward(Images(), noise);

        var patches = output.Masks.Targets.shape[2];
        Assert.Equal([4L * IjepaMasks.TargetBlocks, patches, Config.EmbedDim], output.Prediction.shape);
        Assert.Equal(output.Prediction.shape, output.Target.shape);
        Assert.Empty(output.Loss.shape);
    }

    [Fact]
    public void The_targets_are_layer_normed_over_the_width()
    {
        using var model = new IjepaModel(Config, seed: 0);
        using var noise = new Generator(1, CPU);

        var target = model.Forward(Images(), noise).Target;

        Assert.True(target.mean([-1]).abs().max().item<float>() < 1e-4);
        Assert.True((target.var(-1, unbiased: false) - 1).abs().max().item<float>() < 1e-2);
    }

    [Fact]
    public void The_target_encoder_takes_no_gradient()
    {
        using var model = new IjepaModel(Config, seed: 0);
        using var noise = new Generator(1, CPU);

        model.Forward(Images(), noise).Loss.backward();

        Assert.All(model.TargetEncoder.parameters(), p => Assert.Null(p.grad));
        Assert.Contains(model.ContextEncoder.EncoderParameters(), p => p.Parameter.grad is not null);
    }

    [Fact]
    public void Both_encoders_start_as_the_mae_encoder_of_the_same_seed()
    {
        using var model = new IjepaModel(Config, seed: 7);
        using var mae = new MaeModel(TinyModels.Config, seed: 7);

        foreach (var ((name, a), (_, b)) in mae.named_parameters().Zip(model.TargetEncoder.named_parameters()))
            Assert.True(a.equal(b).all().item<bool>(), $"target encoder {name} differs");
        foreach (var ((name, a), (_, b)) in mae.named_parameters().Zip(model.ContextEncoder.named_parameters()))
            Assert.True(a.equal(b).all().item<bool>(), $"context encoder {name} differs");
    }

    [Fact]
    public void The_target_encoder_moves_by_one_minus_the_momentum_towards_the_context_encoder()
    {
        using var model = new IjepaModel(Config, seed: 0);
        using (no_grad())
        {
            foreach (var p in model.ContextEncoder.parameters()) p.add_(1.0);
        }

        var before = model.TargetEncoder.EncoderParameters().Select(p => p.Parameter.clone()).ToList();
        model.UpdateTargetEncoder(0.75);

        // m·t + (1 − m)·(t + 1) = t + 0.25 for every encoder weight.
        foreach (var ((name, after), old) in model.TargetEncoder.EncoderParameters().Zip(before))
            Assert.True(after.allclose(old + 0.25, rtol: 0, atol: 1e-6), $"{name} did not move");
    }

    [Fact]
    public void The_moving_average_leaves_the_unused_decoder_alone()
    {
        using var model = new IjepaModel(Config, seed: 0);
        using (no_grad())
        {
            foreach (var p in model.ContextEncoder.parameters()) p.add_(1.0);
        }

        var encoder = model.TargetEncoder.EncoderParameters().Select(p => p.Name).ToHashSet();
        var decoder = model.TargetEncoder.named_parameters().Where(p => !encoder.Contains(p.name)).ToList();
        var before = decoder.Select(p => p.parameter.clone()).ToList();
        model.UpdateTargetEncoder(0.75);

        Assert.NotEmpty(decoder);
        foreach (var ((name, after), old) in decoder.Zip(before))
            Assert.True(after.equal(old).all().item<bool>(), $"decoder weight {name} moved");
    }

    [Fact]
    public void The_encoder_pairs_are_the_same_tensors_as_the_encoders_weights()
    {
        using var model = new IjepaModel(Config, seed: 0);

        var pairs = model.EncoderPairs();

        var target = model.TargetEncoder.EncoderParameters().ToList();
        var context = model.ContextEncoder.EncoderParameters().ToList();
        Assert.Equal(target.Count, pairs.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            Assert.Equal(target[i].Parameter.Handle, pairs[i].Target.Handle);
            Assert.Equal(context[i].Parameter.Handle, pairs[i].Context.Handle);
        }
    }

    [Theory]
    [InlineData(0.0, 0.996)]
    [InlineData(0.5, 0.998)]
    [InlineData(1.0, 1.0)]
    public void The_momentum_rises_linearly_from_0_996_to_1_over_training(double progress, double expected)
    {
        Assert.Equal(expected, IjepaModel.Momentum(progress), 12);
    }

    [Fact]
    public void Loss_decreases_over_a_few_steps_on_a_fixed_batch()
    {
        using var model = new IjepaModel(Config, seed: 0);
        using var step = new IjepaTrainingStep(model, TinyModels.Optimizer);
        var images = Images(8);

        var losses = Enumerable.Range(0, 12).Select(_ =>
        {
            using var noise = new Generator(1, CPU);
            return step.Run(images, noise, learningRate: 1e-3, progress: 0);
        }).ToList();

        Assert.True(losses[^1] < losses[0] * 0.8, $"loss went {string.Join(", ", losses)}");
    }

    [Fact]
    public void A_model_for_another_objective_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new IjepaModel(TinyModels.Config, seed: 0));

        Assert.Contains("Objective Ijepa", error.Message, StringComparison.Ordinal);
    }
}

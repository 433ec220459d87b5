using LensSweep.Models.Mae;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Training;

/// <summary>
/// One MAE optimiser step, kept lean because it is the hot loop: a dispose scope around the pass so every
/// intermediate is freed when it returns, AdamW with MAE's parameter groups (no weight decay on biases
/// and other 1-D parameters, as main_pretrain.py), and the learning rate set per step.
/// </summary>
public sealed class MaeTrainingStep : IPretrainingStep
{
    private readonly MaeModel model;

    public MaeTrainingStep(MaeModel model, OptimizerConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid(nameof(config));
        this.model = model;
        Optimizer = PretrainingObjectives.AdamW(model.named_parameters(), config);
    }

    /// <summary>PyTorch's AdamW default.</summary>
    public const double AdamEpsilon = 1e-8;

    public AdamW Optimizer { get; }

    /// <summary>
    /// Forward, backward and update on one batch. Returns the loss; when it is not finite nothing is
    /// applied (no backward, no update) so the caller can stop with the weights of the last good step.
    /// </summary>
    public float Run(Tensor images, Generator maskingNoise, double learningRate)
    {
        using var scope = NewDisposeScope();
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = learningRate;
        Optimizer.zero_grad();
        var loss = model.Forward(images, maskingNoise).Loss;
        var value = loss.item<float>();
        if (!float.IsFinite(value)) return value;
        loss.backward();
        Optimizer.step();
        return value;
    }

    /// <summary>The MAE has no schedule but the learning rate's.</summary>
    float IPretrainingStep.Run(Tensor images, Generator maskingNoise, double learningRate, double progress) =>
        Run(images, maskingNoise, learningRate);

    public void Dispose() => Optimizer.Dispose();
}

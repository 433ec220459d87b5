using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Training;

/// <summary>
/// What every objective's optimiser step shares, kept lean because it is the hot loop: AdamW with MAE's
/// parameter groups over the weights the objective trains, and per step a dispose scope (every intermediate is
/// freed when the step returns), the learning rate, the objective's loss, backward and update, then whatever
/// the objective does after an update. A loss that is not finite applies nothing (no backward, no update, no
/// after-step), so the caller can stop with the weights of the last good step.
/// </summary>
public abstract class OptimiserStep : IPretrainingStep
{
    /// <param name="trained">The weights the optimiser updates, with their names (for the parameter groups).</param>
    protected OptimiserStep(IEnumerable<(string Name, Parameter Parameter)> trained, OptimizerConfig config)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid(nameof(config));
        Optimizer = PretrainingObjectives.AdamW(trained, config);
    }

    public AdamW Optimizer { get; }

    /// <summary>One step at <paramref name="progress"/> (0 to 1) of the whole run; returns the loss.</summary>
    public float Run(Tensor images, Generator maskingNoise, double learningRate, double progress)
    {
        using var scope = NewDisposeScope();
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = learningRate;
        Optimizer.zero_grad();
        var loss = Loss(images, maskingNoise);
        var value = loss.item<float>();
        if (!float.IsFinite(value)) return value;
        loss.backward();
        Optimizer.step();
        AfterUpdate(progress);
        return value;
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The objective's scalar loss on the batch (inside the step's dispose scope, gradients cleared).</summary>
    protected abstract Tensor Loss(Tensor images, Generator maskingNoise);

    /// <summary>After a good update, at <paramref name="progress"/> of the run; nothing by default.</summary>
    protected virtual void AfterUpdate(double progress)
    {
    }
}

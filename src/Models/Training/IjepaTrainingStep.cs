using LensSweep.Models.Ijepa;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Training;

/// <summary>
/// One I-JEPA optimiser step, one method per stage: set the learning rate, predict the target blocks and
/// score them (<see cref="IjepaModel.Forward"/>), back-propagate into the context encoder and the predictor
/// (the target encoder takes no gradient), step AdamW (MAE's parameter groups), then move the target encoder
/// towards the context encoder by the momentum of this point in training. A dispose scope frees every
/// intermediate when the step returns.
/// </summary>
public sealed class IjepaTrainingStep : IPretrainingStep
{
    private readonly IjepaModel model;

    public IjepaTrainingStep(IjepaModel model, OptimizerConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid(nameof(config));
        this.model = model;
        // The context encoder without its unused MAE decoder, and the predictor; never the target encoder.
        Optimizer = PretrainingObjectives.AdamW(
            model.ContextEncoder.EncoderParameters().Select(p => ("context_encoder." + p.Name, p.Parameter))
                .Concat(model.Predictor.named_parameters().Select(p => ("predictor." + p.name, p.parameter))),
            config);
    }

    public AdamW Optimizer { get; }

    /// <summary>
    /// One step at <paramref name="progress"/> (0 to 1) of the run. Returns the loss; when it is not finite
    /// nothing is applied (no backward, no update, no EMA move).
    /// </summary>
    public float Run(Tensor images, Generator maskingNoise, double learningRate, double progress)
    {
        using var scope = NewDisposeScope();
        SetLearningRate(learningRate);
        var loss = Loss(images, maskingNoise);
        var value = loss.item<float>();
        if (!float.IsFinite(value)) return value;
        Update(loss);
        model.UpdateTargetEncoder(IjepaModel.Momentum(progress));
        return value;
    }

    public void Dispose() => Optimizer.Dispose();

    private void SetLearningRate(double learningRate)
    {
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = learningRate;
    }

    private Tensor Loss(Tensor images, Generator maskingNoise)
    {
        Optimizer.zero_grad();
        return model.Forward(images, maskingNoise).Loss;
    }

    private void Update(Tensor loss)
    {
        loss.backward();
        Optimizer.step();
    }
}

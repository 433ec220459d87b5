using LensSweep.Models.Ijepa;
using static TorchSharp.torch;

namespace LensSweep.Models.Training;

/// <summary>
/// One I-JEPA optimiser step (<see cref="OptimiserStep"/>): predict the target blocks and score them
/// (<see cref="IjepaModel.Forward"/>), back-propagate into the context encoder and the predictor (the target
/// encoder takes no gradient), then move the target encoder towards the context encoder by the momentum of
/// this point in training.
/// </summary>
public sealed class IjepaTrainingStep : OptimiserStep
{
    private readonly IjepaModel model;

    /// <summary>The (target, context) encoder weights the moving average moves, taken once: the model is on its
    /// device before its step is made (<see cref="PretrainingObjectives.Step"/>), and a checkpoint loads in place.</summary>
    private readonly IReadOnlyList<(Tensor Target, Tensor Context)> averaged;

    public IjepaTrainingStep(IjepaModel model, OptimizerConfig config)
        : base(Trained(model), config)
    {
        this.model = model;
        averaged = model.EncoderPairs();
    }

    protected override Tensor Loss(Tensor images, Generator maskingNoise) => model.Forward(images, maskingNoise).Loss;

    protected override void AfterUpdate(double progress) => IjepaModel.UpdateTargetEncoder(averaged, IjepaModel.Momentum(progress));

    /// <summary>The context encoder without its unused MAE decoder, and the predictor; never the target encoder.</summary>
    private static IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> Trained(IjepaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ContextEncoder.EncoderParameters().Select(p => ("context_encoder." + p.Name, p.Parameter))
            .Concat(model.Predictor.named_parameters().Select(p => ("predictor." + p.name, p.parameter)));
    }
}

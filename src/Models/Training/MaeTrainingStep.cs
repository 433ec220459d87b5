using LensSweep.Models.Mae;
using static TorchSharp.torch;

namespace LensSweep.Models.Training;

/// <summary>One MAE optimiser step (<see cref="OptimiserStep"/>): every weight of the MAE trains on its masked
/// reconstruction loss.</summary>
public sealed class MaeTrainingStep(MaeModel model, OptimizerConfig config)
    : OptimiserStep((model ?? throw new ArgumentNullException(nameof(model))).named_parameters(), config)
{
    /// <summary>PyTorch's AdamW default.</summary>
    public const double AdamEpsilon = 1e-8;

    /// <summary>The MAE has no schedule but the learning rate's, so no progress is needed.</summary>
    public float Run(Tensor images, Generator maskingNoise, double learningRate) =>
        Run(images, maskingNoise, learningRate, progress: 0);

    protected override Tensor Loss(Tensor images, Generator maskingNoise) => model.Forward(images, maskingNoise).Loss;
}

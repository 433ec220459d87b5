using LensSweep.Models.Ijepa;
using LensSweep.Models.Mae;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Training;

/// <summary>One optimiser step of a pretraining objective, as <see cref="MaeTrainer"/> drives it.</summary>
internal interface IPretrainingStep : IDisposable
{
    AdamW Optimizer { get; }

    /// <summary>Forward, backward and update on one batch; returns the loss, and applies nothing when it is not finite.</summary>
    /// <param name="progress">How far through the whole run (0 to 1) this step is, for schedules other than the learning rate.</param>
    float Run(Tensor images, Generator maskingNoise, double learningRate, double progress);
}

/// <summary>The one place an objective's networks and step are chosen, for training and for reading a checkpoint back.</summary>
internal static class PretrainingObjectives
{
    /// <summary>The networks of <paramref name="config"/>'s objective at the weights of <paramref name="seed"/>:
    /// <paramref name="Weights"/> is everything a checkpoint holds, <paramref name="Encoder"/> the encoder
    /// evaluations read (the MAE itself, or I-JEPA's target encoder).</summary>
    public static (nn.Module Weights, MaeModel Encoder) Build(MaeConfig config, long seed)
    {
        switch (config.Objective)
        {
            case PretrainingObjective.Ijepa:
                var ijepa = new IjepaModel(config, seed);
                return (ijepa, ijepa.TargetEncoder);
            default:
                var mae = new MaeModel(config, seed);
                return (mae, mae);
        }
    }

    /// <summary>The step that trains <paramref name="weights"/> (as <see cref="Build"/> made them, already on their device).</summary>
    public static IPretrainingStep Step(nn.Module weights, OptimizerConfig optimizer) => weights switch
    {
        IjepaModel ijepa => new IjepaTrainingStep(ijepa, optimizer),
        MaeModel mae => new MaeTrainingStep(mae, optimizer),
        _ => throw new ArgumentException($"No training step for {weights.GetType().Name}.", nameof(weights)),
    };

    /// <summary>
    /// AdamW with MAE's parameter groups (no weight decay on biases and other 1-D parameters, as
    /// main_pretrain.py), shared by every objective.
    /// </summary>
    public static AdamW AdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, OptimizerConfig config)
    {
        var decayed = new List<Parameter>();
        var undecayed = new List<Parameter>();
        foreach (var (name, parameter) in parameters)
            (parameter.dim() <= 1 || name.EndsWith(".bias", StringComparison.Ordinal) ? undecayed : decayed).Add(parameter);

        return optim.AdamW(
            [
                new AdamW.ParamGroup(decayed, config.LearningRate, config.Beta1, config.Beta2, MaeTrainingStep.AdamEpsilon, config.WeightDecay, false, false),
                new AdamW.ParamGroup(undecayed, config.LearningRate, config.Beta1, config.Beta2, MaeTrainingStep.AdamEpsilon, 0.0, false, false),
            ],
            config.LearningRate, config.Beta1, config.Beta2, MaeTrainingStep.AdamEpsilon, config.WeightDecay);
    }
}

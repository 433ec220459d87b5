namespace LensSweep.Models.Training;

/// <summary>Rules an <see cref="OptimizerConfig"/> must satisfy, and its warm-up + cosine schedule.</summary>
public static class OptimizerConfigValidation
{
    /// <summary>Every problem, one message each; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(this OptimizerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<string>();
        if (!(config.LearningRate > 0) || double.IsInfinity(config.LearningRate))
            problems.Add($"LearningRate must be a positive number, got {config.LearningRate}.");
        if (!(config.WeightDecay >= 0) || double.IsInfinity(config.WeightDecay))
            problems.Add($"WeightDecay must be zero or positive, got {config.WeightDecay}.");
        if (!(config.Beta1 >= 0 && config.Beta1 < 1))
            problems.Add($"Beta1 must lie in [0, 1), got {config.Beta1}.");
        if (!(config.Beta2 >= 0 && config.Beta2 < 1))
            problems.Add($"Beta2 must lie in [0, 1), got {config.Beta2}.");
        if (config.BatchSize <= 0)
            problems.Add($"BatchSize must be positive, got {config.BatchSize}.");
        if (config.TotalEpochs <= 0)
            problems.Add($"TotalEpochs must be positive, got {config.TotalEpochs}.");
        if (config.WarmupEpochs < 0)
            problems.Add($"WarmupEpochs must be zero or positive, got {config.WarmupEpochs}.");
        else if (config.TotalEpochs > 0 && config.WarmupEpochs >= config.TotalEpochs)
            problems.Add($"WarmupEpochs {config.WarmupEpochs} must be fewer than TotalEpochs {config.TotalEpochs}.");
        return problems;
    }

    public static void EnsureValid(this OptimizerConfig config, string paramName = "config")
    {
        var problems = config.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid optimiser configuration: " + string.Join(" ", problems), paramName);
    }

    /// <summary>
    /// Learning rate at a fractional epoch (epoch + step/steps per epoch), as MAE's lr_sched: linear
    /// warm-up from 0, then half-cosine down to 0 at <see cref="OptimizerConfig.TotalEpochs"/>.
    /// </summary>
    public static double LearningRateAt(this OptimizerConfig config, double epoch)
    {
        if (epoch < config.WarmupEpochs) return config.LearningRate * epoch / config.WarmupEpochs;
        var progress = Math.Min(1.0, (epoch - config.WarmupEpochs) / (config.TotalEpochs - config.WarmupEpochs));
        return config.LearningRate * 0.5 * (1.0 + Math.Cos(Math.PI * progress));
    }
}

namespace LensSweep.Models.Training;

/// <summary>Rules an <see cref="OptimizerConfig"/> must satisfy, and its warm-up + cosine schedule.</summary>
public static class OptimizerConfigValidation
{
    /// <summary>Every problem, one message each; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(this OptimizerConfig config) => [.. config.Problems().Select(p => p.Message)];

    /// <summary>Every problem, each naming the settings it involves (the one home of these rules; the
    /// study spec's validation calls it for every configuration a study would train).</summary>
    public static IReadOnlyList<ConfigProblem> Problems(this OptimizerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigProblem>();
        if (!(config.LearningRate > 0) || double.IsInfinity(config.LearningRate))
            problems.Add(new(nameof(OptimizerConfig.LearningRate), $"LearningRate must be a positive number, got {config.LearningRate}."));
        if (!(config.WeightDecay >= 0) || double.IsInfinity(config.WeightDecay))
            problems.Add(new(nameof(OptimizerConfig.WeightDecay), $"WeightDecay must be zero or positive, got {config.WeightDecay}."));
        else if (config.LearningRate > 0 && config.LearningRate * config.WeightDecay >= 1)
            // AdamW's decoupled decay multiplies every weight by (1 − lr·wd) each step: at 1 or more it zeroes
            // (or flips) every weight at the first step, and the run "completes" with a constant encoder.
            problems.Add(new([nameof(OptimizerConfig.WeightDecay), nameof(OptimizerConfig.LearningRate)],
                $"WeightDecay {config.WeightDecay} times LearningRate {config.LearningRate} must be below 1: AdamW multiplies every weight by (1 − LearningRate·WeightDecay) at each step."));
        if (!(config.Beta1 >= 0 && config.Beta1 < 1))
            problems.Add(new(nameof(OptimizerConfig.Beta1), $"Beta1 must lie in [0, 1), got {config.Beta1}."));
        if (!(config.Beta2 >= 0 && config.Beta2 < 1))
            problems.Add(new(nameof(OptimizerConfig.Beta2), $"Beta2 must lie in [0, 1), got {config.Beta2}."));
        if (config.BatchSize <= 0)
            problems.Add(new(nameof(OptimizerConfig.BatchSize), $"BatchSize must be positive, got {config.BatchSize}."));
        if (config.TotalEpochs <= 0)
            problems.Add(new(nameof(OptimizerConfig.TotalEpochs), $"TotalEpochs must be positive, got {config.TotalEpochs}."));
        if (config.WarmupEpochs < 0)
            problems.Add(new(nameof(OptimizerConfig.WarmupEpochs), $"WarmupEpochs must be zero or positive, got {config.WarmupEpochs}."));
        else if (config.TotalEpochs > 0 && config.WarmupEpochs >= config.TotalEpochs)
            problems.Add(new([nameof(OptimizerConfig.WarmupEpochs), nameof(OptimizerConfig.TotalEpochs)],
                $"WarmupEpochs {config.WarmupEpochs} must be fewer than TotalEpochs {config.TotalEpochs}."));
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

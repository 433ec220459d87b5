namespace LensSweep.Models.Training;

/// <summary>AdamW with linear warm-up then cosine decay over <see cref="TotalEpochs"/>.</summary>
public sealed record OptimizerConfig
{
    public double LearningRate { get; init; } = 1.5e-4;
    public double WeightDecay { get; init; } = 0.05;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    public int BatchSize { get; init; } = 64;
    public int WarmupEpochs { get; init; } = 1;

    /// <summary>Length of the cosine schedule: a trial's maximum budget (ASHA's R), so that training
    /// in rungs follows the same schedule as training straight through.</summary>
    public int TotalEpochs { get; init; } = 10;
}

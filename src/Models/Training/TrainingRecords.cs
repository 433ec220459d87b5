namespace LensSweep.Models.Training;

/// <summary>Reported after every optimiser step.</summary>
/// <param name="Epoch">Zero-based epoch the step belongs to.</param>
/// <param name="Step">Zero-based step within the epoch.</param>
/// <param name="ImagesPerSecond">Throughput of this step alone.</param>
public sealed record TrainProgress(int Epoch, int Step, int StepsPerEpoch, double Loss, double LearningRate, double ImagesPerSecond);

/// <summary>A step boundary: <paramref name="Step"/> steps of zero-based <paramref name="Epoch"/> are done (0: its start).</summary>
public sealed record TrainingPosition(int Epoch, int Step);

/// <summary>Mean training loss of one finished epoch (zero-based <paramref name="Epoch"/>).</summary>
public sealed record EpochLoss(int Epoch, double MeanLoss);

/// <summary>Compute one rung (or run) used: wall-clock seconds and matmul/conv FLOPs of its training steps.</summary>
public sealed record TrainingCost(double Seconds, double TrainingFlops);

/// <summary>Training stopped because the loss stopped being a finite number.</summary>
public sealed class TrainingDivergedException(int epoch, int step, double loss)
    : Exception($"Training diverged: loss is {loss} at epoch {epoch}, step {step}; the run was stopped before the optimiser applied it.")
{
    public int Epoch { get; } = epoch;

    public int Step { get; } = step;

    public double Loss { get; } = loss;
}

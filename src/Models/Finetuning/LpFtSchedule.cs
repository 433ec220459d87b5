namespace LensSweep.Models.Finetuning;

/// <summary>Which part of the network an epoch trains.</summary>
public enum FinetunePhase
{
    /// <summary>The encoder is frozen and only the head learns (a linear probe).</summary>
    LinearProbe,

    /// <summary>Encoder and head learn together.</summary>
    FullFinetune,
}

/// <summary>
/// Linear probing, then full fine-tuning (LP-FT, Kumar et al. 2022): the head is first fitted on frozen features,
/// so that when the encoder is unfrozen its gradients come from a head that already points the right way and the
/// pretrained features are not distorted by a random one. Each phase decays its own peak learning rate on a half
/// cosine to <see cref="FloorFraction"/> of it over its epochs. With no probe epochs it is plain training from
/// the first epoch (what the supervised baseline does).
/// </summary>
public sealed record LpFtSchedule
{
    /// <summary>Where each phase's cosine ends, as a fraction of its peak.</summary>
    public const double FloorFraction = 0.01;

    public int ProbeEpochs { get; init; } = 10;

    public int FinetuneEpochs { get; init; } = 10;

    /// <summary>Peak learning rate of the head while the encoder is frozen.</summary>
    public double ProbeLearningRate { get; init; } = 1e-2;

    /// <summary>Peak learning rate of everything once the encoder is unfrozen: small, so the pretrained features move little.</summary>
    public double FinetuneLearningRate { get; init; } = 3e-4;

    public int TotalEpochs => ProbeEpochs + FinetuneEpochs;

    /// <summary>
    /// The default schedule of a task. A super-resolution's is slower than a classification's: the probe ten times
    /// (1e-3 against 1e-2), fine-tuning three times (1e-4 against 3e-4, so the CNN baseline trains at 1e-3 against 3e-3): its head adds a residual to bilinear
    /// upsampling from a zero-initialised convolution, and AdamW's first steps move every weight by about the
    /// learning rate whatever the gradient's size, so at 1e-2 (or the CNN's 3e-3) the first epoch's L1 was 5–7
    /// times bilinear's and the heads never came back below it; at 1e-3 they do.
    /// </summary>
    public static LpFtSchedule DefaultFor(DownstreamTask task) => task switch
    {
        DownstreamTask.Classification or DownstreamTask.Regression => new LpFtSchedule(),
        DownstreamTask.SuperResolution => new LpFtSchedule { ProbeLearningRate = 1e-3, FinetuneLearningRate = 1e-4 },
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "No default schedule for this task."),
    };

    /// <summary>Every rule this schedule breaks, in words naming the setting (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ProbeEpochs < 0) problems.Add($"ProbeEpochs must be 0 or more; got {ProbeEpochs}.");
        if (FinetuneEpochs < 0) problems.Add($"FinetuneEpochs must be 0 or more; got {FinetuneEpochs}.");
        if (ProbeEpochs + FinetuneEpochs < 1) problems.Add("At least one epoch of probing or fine-tuning is needed.");
        if (!(ProbeLearningRate > 0 && double.IsFinite(ProbeLearningRate))) problems.Add($"ProbeLearningRate must be a positive number; got {ProbeLearningRate}.");
        if (!(FinetuneLearningRate > 0 && double.IsFinite(FinetuneLearningRate))) problems.Add($"FinetuneLearningRate must be a positive number; got {FinetuneLearningRate}.");
        return problems;
    }

    /// <exception cref="ArgumentOutOfRangeException">The epoch is outside 0..TotalEpochs−1.</exception>
    public FinetunePhase PhaseOf(int epoch)
    {
        CheckEpoch(epoch);
        return epoch < ProbeEpochs ? FinetunePhase.LinearProbe : FinetunePhase.FullFinetune;
    }

    /// <summary>The learning rate at <paramref name="progress"/> epochs from the start (epoch + fraction of it done).</summary>
    public double LearningRateAt(double progress)
    {
        var epoch = (int)Math.Floor(progress);
        CheckEpoch(epoch);
        var (start, length, peak) = PhaseOf(epoch) == FinetunePhase.LinearProbe
            ? (0, ProbeEpochs, ProbeLearningRate)
            : (ProbeEpochs, FinetuneEpochs, FinetuneLearningRate);
        var fraction = (progress - start) / length;
        var floor = peak * FloorFraction;
        return floor + ((peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * fraction)));
    }

    private void CheckEpoch(int epoch)
    {
        if (epoch < 0 || epoch >= TotalEpochs)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"The schedule has epochs 0 to {TotalEpochs - 1}.");
    }
}

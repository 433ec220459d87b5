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

using LensSweep.Models.Mae;
using LensSweep.Models.Training;

namespace LensSweep.Grains.Specs;

/// <summary>
/// One trial's hyperparameters: a point of the search space. Defaults are those of
/// <see cref="MaeConfig"/> and <see cref="OptimizerConfig"/>, so a spec that leaves a hyperparameter out
/// trains with the reference value.
/// </summary>
public sealed record TrialConfig
{
    private static readonly MaeConfig ModelDefaults = new();
    private static readonly OptimizerConfig OptimizerDefaults = new();

    public double MaskRatio { get; init; } = ModelDefaults.MaskRatio;
    public int PatchSize { get; init; } = ModelDefaults.PatchSize;
    public int EmbedDim { get; init; } = ModelDefaults.EmbedDim;
    public int Depth { get; init; } = ModelDefaults.Depth;
    public int Heads { get; init; } = ModelDefaults.Heads;
    public int DecoderDim { get; init; } = ModelDefaults.DecoderEmbedDim;
    public int DecoderDepth { get; init; } = ModelDefaults.DecoderDepth;
    public int DecoderHeads { get; init; } = ModelDefaults.DecoderHeads;
    public double MlpRatio { get; init; } = ModelDefaults.MlpRatio;
    public bool NormPixelLoss { get; init; } = ModelDefaults.NormPixelLoss;
    public double LearningRate { get; init; } = OptimizerDefaults.LearningRate;
    public double WeightDecay { get; init; } = OptimizerDefaults.WeightDecay;
    public int BatchSize { get; init; } = OptimizerDefaults.BatchSize;
    public int WarmupEpochs { get; init; } = OptimizerDefaults.WarmupEpochs;

    /// <summary>The model this trial pretrains, for images of <paramref name="imageSize"/> pixels with
    /// <paramref name="channels"/> bands (both come from the dataset, not the search space).</summary>
    public MaeConfig ToMaeConfig(int imageSize, int channels = 1) => new()
    {
        ImageSize = imageSize,
        Channels = channels,
        PatchSize = PatchSize,
        EmbedDim = EmbedDim,
        Depth = Depth,
        Heads = Heads,
        DecoderEmbedDim = DecoderDim,
        DecoderDepth = DecoderDepth,
        DecoderHeads = DecoderHeads,
        MlpRatio = MlpRatio,
        MaskRatio = MaskRatio,
        NormPixelLoss = NormPixelLoss,
    };

    /// <summary>The optimiser settings. <paramref name="maxEpochs"/> is the scheduler's R: every rung of a
    /// trial follows one cosine schedule of that length, so a promoted trial resumes mid-schedule.</summary>
    public OptimizerConfig ToOptimizerConfig(int maxEpochs) => new()
    {
        LearningRate = LearningRate,
        WeightDecay = WeightDecay,
        BatchSize = BatchSize,
        WarmupEpochs = WarmupEpochs,
        TotalEpochs = maxEpochs,
    };

    /// <summary>The hyperparameters by their spec (snake_case) names, in search-space order: for
    /// leaderboards, scaling plots and logs.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> ToParameters() =>
        Hyperparameters.All.Select(p => new KeyValuePair<string, double>(p.Name, p.Read(this))).ToArray();

    /// <summary>A one-line description, e.g. <c>mask_ratio=0.75 patch_size=8 …</c>.</summary>
    public override string ToString() =>
        string.Join(' ', Hyperparameters.All.Select(p => $"{p.Name}={p.Format(this)}"));
}

namespace LensSweep.Models.Mae;

/// <summary>
/// Rules a <see cref="MaeConfig"/> must satisfy before a model can be built, and the shapes that follow
/// from it. Kept beside the shared record (not in it) so the record stays a plain description.
/// </summary>
public static class MaeConfigValidation
{
    /// <summary>Every problem with <paramref name="config"/>, one message each; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(this MaeConfig config) => [.. config.Problems().Select(p => p.Message)];

    /// <summary>Every problem with <paramref name="config"/>, each naming the settings it involves: the one home
    /// of these rules, which the study spec's validation calls for every configuration a study would train.</summary>
    public static IReadOnlyList<ConfigProblem> Problems(this MaeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigProblem>();

        void Positive(int value, string name)
        {
            if (value <= 0) problems.Add(new(name, $"{name} must be positive, got {value}."));
        }

        Positive(config.ImageSize, nameof(MaeConfig.ImageSize));
        Positive(config.Channels, nameof(MaeConfig.Channels));
        Positive(config.PatchSize, nameof(MaeConfig.PatchSize));
        Positive(config.EmbedDim, nameof(MaeConfig.EmbedDim));
        Positive(config.Depth, nameof(MaeConfig.Depth));
        Positive(config.Heads, nameof(MaeConfig.Heads));
        Positive(config.DecoderEmbedDim, nameof(MaeConfig.DecoderEmbedDim));
        Positive(config.DecoderDepth, nameof(MaeConfig.DecoderDepth));
        Positive(config.DecoderHeads, nameof(MaeConfig.DecoderHeads));

        if (!(config.MlpRatio > 0) || double.IsInfinity(config.MlpRatio))
            problems.Add(new(nameof(MaeConfig.MlpRatio), $"MlpRatio must be a positive number, got {config.MlpRatio}."));
        else if (config.EmbedDim > 0 && config.DecoderEmbedDim > 0
                 && (MlpHidden(config.EmbedDim, config.MlpRatio) < 1 || MlpHidden(config.DecoderEmbedDim, config.MlpRatio) < 1))
            problems.Add(new(nameof(MaeConfig.MlpRatio), $"MlpRatio {config.MlpRatio} leaves an MLP with no hidden units."));

        if (config.ImageSize > 0 && config.PatchSize > 0 && config.ImageSize % config.PatchSize != 0)
            problems.Add(new([nameof(MaeConfig.PatchSize), nameof(MaeConfig.ImageSize)], $"PatchSize {config.PatchSize} does not divide ImageSize {config.ImageSize}."));

        if (config.EmbedDim > 0 && config.Heads > 0 && config.EmbedDim % config.Heads != 0)
            problems.Add(new([nameof(MaeConfig.Heads), nameof(MaeConfig.EmbedDim)], $"Heads {config.Heads} does not divide EmbedDim {config.EmbedDim}."));
        if (config.DecoderEmbedDim > 0 && config.DecoderHeads > 0 && config.DecoderEmbedDim % config.DecoderHeads != 0)
            problems.Add(new([nameof(MaeConfig.DecoderHeads), nameof(MaeConfig.DecoderEmbedDim)], $"DecoderHeads {config.DecoderHeads} does not divide DecoderEmbedDim {config.DecoderEmbedDim}."));

        // The 2-D sin-cos table splits the width in two (rows, columns) and each half in two (sin, cos).
        if (config.EmbedDim > 0 && config.EmbedDim % 4 != 0)
            problems.Add(new(nameof(MaeConfig.EmbedDim), $"EmbedDim must be a multiple of 4 for the 2-D sin-cos position table, got {config.EmbedDim}."));
        if (config.DecoderEmbedDim > 0 && config.DecoderEmbedDim % 4 != 0)
            problems.Add(new(nameof(MaeConfig.DecoderEmbedDim), $"DecoderEmbedDim must be a multiple of 4 for the 2-D sin-cos position table, got {config.DecoderEmbedDim}."));

        if (!(config.MaskRatio > 0 && config.MaskRatio < 1))
            problems.Add(new(nameof(MaeConfig.MaskRatio), $"MaskRatio must lie strictly between 0 and 1, got {config.MaskRatio}."));
        else if (config.ImageSize > 0 && config.PatchSize > 0 && config.ImageSize % config.PatchSize == 0)
        {
            var patches = config.PatchCount();
            var kept = KeptCount(patches, config.MaskRatio);
            if (kept < 1 || kept >= patches)
                problems.Add(new([nameof(MaeConfig.MaskRatio), nameof(MaeConfig.PatchSize)],
                    $"MaskRatio {config.MaskRatio} over {patches} patches keeps {kept}; at least one patch must be kept and one masked."));
        }

        if (!Enum.IsDefined(config.Masking))
            problems.Add(new(nameof(MaeConfig.Masking), $"Masking {config.Masking} is not a masking this model knows."));
        if (!(config.MaskingTemperature > 0) || double.IsInfinity(config.MaskingTemperature))
            problems.Add(new(nameof(MaeConfig.MaskingTemperature), $"MaskingTemperature must be a positive number, got {config.MaskingTemperature}."));
        if (!Enum.IsDefined(config.Objective))
            problems.Add(new(nameof(MaeConfig.Objective), $"Objective {config.Objective} is not a pretraining objective this model knows."));
        else if (config.Objective == PretrainingObjective.Ijepa && config.ImageSize > 0 && config.PatchSize > 0
                 && config.ImageSize % config.PatchSize == 0 && config.GridSize() < Ijepa.IjepaMasks.MinimumGrid)
            problems.Add(new([nameof(MaeConfig.Objective), nameof(MaeConfig.PatchSize)],
                $"Objective Ijepa needs at least {Ijepa.IjepaMasks.MinimumGrid}×{Ijepa.IjepaMasks.MinimumGrid} patches for its context and target blocks; PatchSize {config.PatchSize} gives {config.GridSize()}×{config.GridSize()}."));
        if (!Enum.IsDefined(config.Loss))
            problems.Add(new(nameof(MaeConfig.Loss), $"Loss {config.Loss} is not a reconstruction loss this model knows."));

        return problems;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every problem when the config is invalid.</summary>
    public static void EnsureValid(this MaeConfig config, string paramName = "config")
    {
        var problems = config.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid MAE configuration: " + string.Join(" ", problems), paramName);
    }

    /// <summary>Patches per side.</summary>
    public static int GridSize(this MaeConfig config) => config.ImageSize / config.PatchSize;

    /// <summary>L, the number of patches per image.</summary>
    public static int PatchCount(this MaeConfig config) => config.GridSize() * config.GridSize();

    /// <summary>Pixel values per patch: p·p·C.</summary>
    public static int PatchPixels(this MaeConfig config) => config.PatchSize * config.PatchSize * config.Channels;

    /// <summary>Visible patches per image: <see cref="KeptCount"/> of L patches.</summary>
    public static int KeptPatchCount(this MaeConfig config) => KeptCount(config.PatchCount(), config.MaskRatio);

    /// <summary>
    /// The one rule for how many of <paramref name="patches"/> stay visible at <paramref name="maskRatio"/>:
    /// floor(L·(1 − ratio)), in double arithmetic exactly as upstream MAE's <c>len_keep = int(L * (1 - mask_ratio))</c>
    /// (so 16 patches at 0.9 keep 1, and 10 at 0.9 keep 0 because 1 − 0.9 is just below 0.1). The model masks
    /// with it and <see cref="Problems"/> refuses a ratio that keeps none or masks none.
    /// </summary>
    public static int KeptCount(int patches, double maskRatio) => (int)Math.Floor(patches * (1 - maskRatio));

    internal static int MlpHidden(int dim, double ratio) => (int)(dim * ratio);
}

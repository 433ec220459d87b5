namespace LensSweep.Models.Mae;

/// <summary>
/// The shape of one masked autoencoder (He et al. 2022): ViT encoder over patches, a narrower decoder
/// that reconstructs masked patches. Defaults are the reference configuration in shared/bench/README.md.
/// </summary>
public sealed record MaeConfig
{
    /// <summary>What the encoder is pretrained for; which other settings each objective reads is stated once, on
    /// <see cref="PretrainingObjective"/>.</summary>
    public PretrainingObjective Objective { get; init; } = PretrainingObjective.Mae;

    public int ImageSize { get; init; } = 64;
    public int Channels { get; init; } = 1;
    public int PatchSize { get; init; } = 8;
    public int EmbedDim { get; init; } = 128;
    public int Depth { get; init; } = 4;
    public int Heads { get; init; } = 4;
    public int DecoderEmbedDim { get; init; } = 64;
    public int DecoderDepth { get; init; } = 2;
    public int DecoderHeads { get; init; } = 4;
    public double MlpRatio { get; init; } = 4.0;
    public double MaskRatio { get; init; } = 0.75;

    /// <summary>Which patches are hidden (the count is always <see cref="MaeConfigValidation.KeptPatchCount"/> kept).</summary>
    public MaskingKind Masking { get; init; } = MaskingKind.Random;

    /// <summary>Informed masking only: the temperature of the preference for high-variance patches (small:
    /// almost always the most varied patches; large: close to random masking).</summary>
    public double MaskingTemperature { get; init; } = 1.0;

    /// <summary>What a reconstruction is scored against: per-patch normalised pixels by default (MAE's norm_pix_loss).</summary>
    public ReconstructionLoss Loss { get; init; } = ReconstructionLoss.MseNormPix;

    /// <summary>Prepend a learned CLS token to the encoder (facebookresearch/mae does; the benchmark
    /// reference does not, which is why its 914,240 parameters have none). Off by default.</summary>
    public bool UseClsToken { get; init; }
}

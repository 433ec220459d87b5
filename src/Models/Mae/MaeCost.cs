namespace LensSweep.Models.Mae;

/// <summary>
/// Compute a configuration costs, counted as matmul and convolution FLOPs (2 per multiply-add); the
/// element-wise work (norms, GELU, softmax, optimiser) is left out, as in the benchmark README.
/// </summary>
public static class MaeCost
{
    /// <summary>Forward FLOPs of one masked pretraining pass for one image.</summary>
    public static double ForwardFlopsPerImage(MaeConfig config)
    {
        config.EnsureValid(nameof(config));
        var cls = config.UseClsToken ? 1 : 0;
        var patches = config.PatchCount();
        var encoderTokens = config.KeptPatchCount() + cls;
        var decoderTokens = patches + cls;

        var flops = PatchEmbedFlops(config);
        flops += config.Depth * BlockFlops(encoderTokens, config.EmbedDim, config.MlpRatio);
        flops += 2.0 * encoderTokens * config.EmbedDim * config.DecoderEmbedDim;
        flops += config.DecoderDepth * BlockFlops(decoderTokens, config.DecoderEmbedDim, config.MlpRatio);
        flops += 2.0 * decoderTokens * config.DecoderEmbedDim * config.PatchPixels();
        return flops;
    }

    /// <summary>
    /// Training FLOPs per image: forward plus backward, the backward taken as twice the forward
    /// (the usual 3× rule; the reference config gives about 126 MFLOP).
    /// </summary>
    public static double TrainingFlopsPerImage(MaeConfig config) => 3.0 * ForwardFlopsPerImage(config);

    /// <summary>Forward FLOPs of the unmasked encoder (probe features, inference benchmark) for one image.</summary>
    public static double EncoderFlopsPerImage(MaeConfig config)
    {
        config.EnsureValid(nameof(config));
        var tokens = config.PatchCount() + (config.UseClsToken ? 1 : 0);
        return PatchEmbedFlops(config) + config.Depth * BlockFlops(tokens, config.EmbedDim, config.MlpRatio);
    }

    private static double PatchEmbedFlops(MaeConfig config) =>
        2.0 * config.PatchCount() * config.PatchPixels() * config.EmbedDim;

    private static double BlockFlops(int tokens, int dim, double mlpRatio)
    {
        double n = tokens, d = dim, hidden = MaeConfigValidation.MlpHidden(dim, mlpRatio);
        var qkv = 2 * n * d * 3 * d;
        var attention = 2 * 2 * n * n * d;   // scores q·kᵀ and the weighted sum over v, all heads together
        var projection = 2 * n * d * d;
        var mlp = 2 * 2 * n * d * hidden;
        return qkv + attention + projection + mlp;
    }
}

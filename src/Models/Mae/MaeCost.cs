namespace LensSweep.Models.Mae;

/// <summary>
/// Compute a configuration costs, counted as matmul and convolution FLOPs (2 per multiply-add); the
/// element-wise work (norms, GELU, softmax, optimiser) is left out, as in the benchmark README.
/// </summary>
public static class MaeCost
{
    /// <summary>Forward FLOPs of one masked pretraining pass for one image (I-JEPA: of its trained networks,
    /// the context encoder and the predictor, at the expected block sizes).</summary>
    public static double ForwardFlopsPerImage(MaeConfig config)
    {
        config.EnsureValid(nameof(config));
        if (config.Objective == PretrainingObjective.Ijepa) return IjepaTrainedForwardFlops(config);
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
    /// <remarks>I-JEPA adds its target encoder's forward pass over every patch, which takes no backward.</remarks>
    public static double TrainingFlopsPerImage(MaeConfig config) =>
        (3.0 * ForwardFlopsPerImage(config)) + (config.Objective == PretrainingObjective.Ijepa ? EncoderFlopsPerImage(config) : 0);

    /// <summary>Forward FLOPs of the unmasked encoder (probe features, inference benchmark) for one image.</summary>
    public static double EncoderFlopsPerImage(MaeConfig config)
    {
        config.EnsureValid(nameof(config));
        var tokens = config.PatchCount() + (config.UseClsToken ? 1 : 0);
        return PatchEmbedFlops(config) + config.Depth * BlockFlops(tokens, config.EmbedDim, config.MlpRatio);
    }

    /// <summary>The context encoder over the context (patch embedding of every patch, as the model computes it) and the
    /// predictor over context and target tokens once per target block, at <see cref="Ijepa.IjepaMasks.ExpectedTokens"/>.</summary>
    private static double IjepaTrainedForwardFlops(MaeConfig config)
    {
        var cls = config.UseClsToken ? 1 : 0;
        var (context, target) = Ijepa.IjepaMasks.ExpectedTokens(config.GridSize());
        double d = config.EmbedDim, dp = config.DecoderEmbedDim;
        var flops = PatchEmbedFlops(config) + (config.Depth * BlockFlops(context + cls, config.EmbedDim, config.MlpRatio));
        var perBlock = (2.0 * context * d * dp) + (config.DecoderDepth * BlockFlops(context + target, config.DecoderEmbedDim, config.MlpRatio)) + (2.0 * target * dp * d);
        return flops + (Ijepa.IjepaMasks.TargetBlocks * perBlock);
    }

    private static double PatchEmbedFlops(MaeConfig config) =>
        2.0 * config.PatchCount() * config.PatchPixels() * config.EmbedDim;

    private static double BlockFlops(double tokens, int dim, double mlpRatio)
    {
        double n = tokens, d = dim, hidden = MaeConfigValidation.MlpHidden(dim, mlpRatio);
        var qkv = 2 * n * d * 3 * d;
        var attention = 2 * 2 * n * n * d;   // scores q·kᵀ and the weighted sum over v, all heads together
        var projection = 2 * n * d * d;
        var mlp = 2 * 2 * n * d * hidden;
        return qkv + attention + projection + mlp;
    }
}

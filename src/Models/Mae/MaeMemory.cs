namespace LensSweep.Models.Mae;

/// <summary>
/// How much memory a configuration needs to train, estimated from its shapes before anything is
/// allocated, so a study that cannot fit is refused up front with both numbers instead of failing (or
/// swapping) minutes in. An estimate on the safe side, not a measurement: float32 weights, their
/// gradients and AdamW's two moments; the activations autograd keeps for one batch; the attention maps.
/// </summary>
public static class MaeMemory
{
    private const double BytesPerFloat = 4;

    /// <summary>Parameters the trainer holds: for the MAE its patch embedding, encoder blocks, decoder embedding and
    /// blocks, mask token and pixel head; for I-JEPA two such models (context and target encoder) and the predictor.
    /// The sin-cos position tables are fixed buffers, counted separately.</summary>
    public static double ParameterCount(MaeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Objective == PretrainingObjective.Ijepa ? (2 * MaeParameterCount(config)) + PredictorParameterCount(config) : MaeParameterCount(config);
    }

    private static double MaeParameterCount(MaeConfig config)
    {
        double d = config.EmbedDim, dd = config.DecoderEmbedDim, patchPixels = (double)config.PatchSize * config.PatchSize * config.Channels;
        var parameters = (patchPixels * d) + d;
        parameters += config.Depth * BlockParameters(d, config.MlpRatio);
        parameters += (2 * d) + (d * dd) + dd + dd;   // encoder norm, decoder embedding, mask token
        parameters += config.DecoderDepth * BlockParameters(dd, config.MlpRatio);
        parameters += (2 * dd) + (dd * patchPixels) + patchPixels;
        return parameters + (config.UseClsToken ? d : 0);
    }

    /// <summary>Bytes one training step holds at <paramref name="batchSize"/> images: parameters ×4
    /// (weights, gradients, Adam m and v), position tables, and per image the activations autograd keeps.</summary>
    public static double TrainingBytes(MaeConfig config, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Objective == PretrainingObjective.Ijepa) return IjepaTrainingBytes(config, batchSize);
        double patches = (double)config.ImageSize / config.PatchSize * (config.ImageSize / (double)config.PatchSize);
        var cls = config.UseClsToken ? 1 : 0;
        var encoderTokens = MaeConfigValidation.KeptCount((int)patches, config.MaskRatio) + cls;
        var decoderTokens = patches + cls;
        var perImage = config.Depth * BlockActivations(encoderTokens, config.EmbedDim, config.Heads, config.MlpRatio)
            + config.DecoderDepth * BlockActivations(decoderTokens, config.DecoderEmbedDim, config.DecoderHeads, config.MlpRatio)
            + (3.0 * config.Channels * config.ImageSize * config.ImageSize);   // the image, its patches, the prediction
        var positionTables = patches * (config.EmbedDim + config.DecoderEmbedDim);
        return BytesPerFloat * ((4 * ParameterCount(config)) + positionTables + ((double)batchSize * perImage));
    }

    /// <summary>I-JEPA at its largest blocks: the context encoder's activations over the context, the predictor's
    /// over context and target tokens for each target block, one block's worth of the target encoder's gradient-free
    /// pass over every patch; position tables of both encoders and the predictor.</summary>
    private static double IjepaTrainingBytes(MaeConfig config, int batchSize)
    {
        var grid = config.ImageSize / config.PatchSize;
        double patches = (double)grid * grid;
        var cls = config.UseClsToken ? 1 : 0;
        var (context, target) = Ijepa.IjepaMasks.MaxTokens(grid);
        var perImage = config.Depth * BlockActivations(context + cls, config.EmbedDim, config.Heads, config.MlpRatio)
            + Ijepa.IjepaMasks.TargetBlocks * config.DecoderDepth * BlockActivations(context + target, config.DecoderEmbedDim, config.DecoderHeads, config.MlpRatio)
            + BlockActivations(patches + cls, config.EmbedDim, config.Heads, config.MlpRatio)
            + (3.0 * config.Channels * config.ImageSize * config.ImageSize);
        var positionTables = patches * ((2 * (config.EmbedDim + config.DecoderEmbedDim)) + config.DecoderEmbedDim);
        return BytesPerFloat * ((4 * ParameterCount(config)) + positionTables + ((double)batchSize * perImage));
    }

    /// <summary>The I-JEPA predictor: embedding to its width, mask token, blocks, norm, projection back.</summary>
    private static double PredictorParameterCount(MaeConfig config)
    {
        double d = config.EmbedDim, dp = config.DecoderEmbedDim;
        return (d * dp) + dp + dp + (config.DecoderDepth * BlockParameters(dp, config.MlpRatio)) + (2 * dp) + (dp * d) + d;
    }

    private static double BlockParameters(double width, double mlpRatio)
    {
        var hidden = Math.Floor(width * mlpRatio);
        return (4 * width) + (3 * width * width) + (3 * width) + (width * width) + width + (width * hidden) + hidden + (hidden * width) + width;
    }

    /// <summary>Floats autograd keeps per image for one transformer block: the two norms' inputs and outputs,
    /// q, k, v, the attention output and projection, the MLP's hidden layer before and after GELU, and the
    /// attention maps (heads × tokens²) before and after softmax.</summary>
    private static double BlockActivations(double tokens, double width, int heads, double mlpRatio) =>
        (tokens * width * 10) + (2 * tokens * Math.Floor(width * mlpRatio)) + (2.0 * heads * tokens * tokens);
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Mae;

/// <summary>The tensors of one masked pass (shapes for batch B, L patches, M = L − K masked, p²·C pixels per patch).</summary>
/// <param name="Loss">Scalar: the configured reconstruction loss over masked patches only.</param>
/// <param name="Prediction">[B, M, p²·C] reconstructions of the masked patches, in the order of <paramref name="MaskedIds"/>
/// (normalised pixels for MseNormPix). Visible patches are not reconstructed: the loss never reads them.</param>
/// <param name="Mask">[B, L]: 0 for a visible patch, 1 for a masked one.</param>
/// <param name="MaskedIds">[B, M]: which patch each row of <paramref name="Prediction"/> is.</param>
public sealed record MaeOutput(Tensor Loss, Tensor Prediction, Tensor Mask, Tensor MaskedIds);

/// <summary>How the probe turns encoder tokens into one feature vector per image.</summary>
public enum FeaturePooling
{
    /// <summary>Mean of the patch tokens after the final LayerNorm (the default: works with or without a CLS token).</summary>
    MeanPatchTokens,

    /// <summary>The CLS token after the final LayerNorm (MAE's linear-probe protocol); needs <see cref="MaeConfig.UseClsToken"/>.</summary>
    ClsToken,

    /// <summary>Patch tokens averaged over a coarse grid of image regions (see <c>ProbeConfig.RegionGrid</c>)
    /// and concatenated: keeps where a perturbation sits relative to the arcs, which a global mean erases.</summary>
    RegionMeans,
}

/// <summary>
/// Masked autoencoder after facebookresearch/mae models_mae.py: a ViT encoder over the visible patches only,
/// a narrower decoder that fills in mask tokens, and a per-patch pixel head. Weights are initialised from
/// the given seed with MAE's scheme (xavier-uniform linears with zero bias, N(0, 0.02²) tokens).
/// </summary>
public sealed class MaeModel : nn.Module
{
    internal const double LayerNormEps = 1e-6;
    private const double TokenInitStd = 0.02;

    private readonly Conv2d patch_embed;
    private readonly Tensor pos_embed;
    private readonly Parameter? cls_token;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Linear decoder_embed;
    private readonly Parameter mask_token;
    private readonly Tensor decoder_pos_embed;
    private readonly ModuleList<TransformerBlock> decoder_blocks;
    private readonly LayerNorm decoder_norm;
    private readonly Linear decoder_pred;

    /// <exception cref="ArgumentException">The config breaks one or more rules (all are listed).</exception>
    public MaeModel(MaeConfig config, long seed) : base(nameof(MaeModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid(nameof(config));
        Config = config;
        PatchCount = config.PatchCount();
        KeptCount = config.KeptPatchCount();

        patch_embed = nn.Conv2d(config.Channels, config.EmbedDim, kernel_size: config.PatchSize, stride: config.PatchSize);
        pos_embed = tensor(SinCosPositions.Table(config.EmbedDim, config.GridSize()), [1, PatchCount, config.EmbedDim]);
        cls_token = config.UseClsToken ? nn.Parameter(zeros(1, 1, config.EmbedDim)) : null;
        blocks = nn.ModuleList(Enumerable.Range(0, config.Depth)
            .Select(i => new TransformerBlock($"block{i}", config.EmbedDim, config.Heads, config.MlpRatio)).ToArray());
        norm = nn.LayerNorm(config.EmbedDim, eps: LayerNormEps);

        decoder_embed = nn.Linear(config.EmbedDim, config.DecoderEmbedDim);
        mask_token = nn.Parameter(zeros(1, 1, config.DecoderEmbedDim));
        decoder_pos_embed = tensor(SinCosPositions.Table(config.DecoderEmbedDim, config.GridSize()), [1, PatchCount, config.DecoderEmbedDim]);
        decoder_blocks = nn.ModuleList(Enumerable.Range(0, config.DecoderDepth)
            .Select(i => new TransformerBlock($"decoder_block{i}", config.DecoderEmbedDim, config.DecoderHeads, config.MlpRatio)).ToArray());
        decoder_norm = nn.LayerNorm(config.DecoderEmbedDim, eps: LayerNormEps);
        decoder_pred = nn.Linear(config.DecoderEmbedDim, config.PatchPixels());

        RegisterComponents();
        InitialiseWeights(seed);
    }

    public MaeConfig Config { get; }

    /// <summary>L, patches per image.</summary>
    public int PatchCount { get; }

    /// <summary>Visible patches per image during pretraining.</summary>
    public int KeptCount { get; }

    /// <summary>Trainable values (the fixed position tables are buffers and do not count).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>[B, C, H, W] → [B, L, p²·C], patches row-major over the grid, pixels (row, col, channel) inside.</summary>
    public Tensor Patchify(Tensor images)
    {
        var (p, g, c) = (Config.PatchSize, Config.GridSize(), Config.Channels);
        var batch = images.shape[0];
        return images.reshape(batch, c, g, p, g, p).permute(0, 2, 4, 3, 5, 1).reshape(batch, PatchCount, p * p * c);
    }

    /// <summary>
    /// MAE's per-sample random masking: argsort of uniform noise, keep the first <see cref="KeptCount"/>.
    /// Noise is drawn on the CPU from <paramref name="noise"/> so a run is reproducible on any device.
    /// </summary>
    /// <returns>Visible tokens [B, K, D], mask [B, L] (1 = masked), and ids_restore [B, L].</returns>
    public (Tensor Visible, Tensor Mask, Tensor IdsRestore) RandomMasking(Tensor tokens, Generator noise) =>
        MaskTokens(tokens, PatchMasking.Random(tokens.shape[0], tokens.shape[1], noise));

    /// <summary>Keeps, per image, the <see cref="KeptCount"/> tokens of lowest <paramref name="scores"/> [B, L]
    /// (see <see cref="PatchMasking"/>) and masks the rest.</summary>
    /// <returns>Visible tokens [B, K, D], mask [B, L] (1 = masked), and ids_restore [B, L].</returns>
    public (Tensor Visible, Tensor Mask, Tensor IdsRestore) MaskTokens(Tensor tokens, Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(scores);
        var (batch, dim) = (tokens.shape[0], tokens.shape[2]);
        var idsShuffle = scores.to(tokens.device).argsort(1);
        var idsRestore = idsShuffle.argsort(1);
        var idsKeep = idsShuffle.narrow(1, 0, KeptCount);
        var visible = tokens.gather(1, idsKeep.unsqueeze(-1).expand(batch, KeptCount, dim));
        // A patch is kept exactly when its rank in the shuffle is below the keep count.
        var mask = idsRestore.ge(KeptCount).to(ScalarType.Float32);
        return (visible, mask, idsRestore);
    }

    /// <summary>The configured masking (<see cref="MaeConfig.Masking"/>) of the embedded <paramref name="tokens"/> of <paramref name="images"/>.</summary>
    private (Tensor Visible, Tensor Mask, Tensor IdsRestore) Masking(Tensor images, Tensor tokens, Generator noise) =>
        Config.Masking == MaskingKind.Random
            ? RandomMasking(tokens, noise)
            : MaskTokens(tokens, PatchMasking.Scores(Config.Masking, Patchify(images), Config.GridSize(), KeptCount, Config.MaskingTemperature, noise));

    /// <summary>
    /// Masked pretraining pass: encoder on visible patches, decoder, loss on masked patches. The decoder's last
    /// block, norm and head run on the masked rows only (attention still reads every token), which gives the
    /// same loss and gradients as decoding every patch with less work.
    /// </summary>
    public MaeOutput Forward(Tensor images, Generator noise)
    {
        CheckImages(images);
        var (visible, mask, idsRestore) = Masking(images, EmbedPatches(images), noise);
        // A patch's rank in the shuffle is its restore index; ranks K.. are the masked ones.
        var maskedIds = idsRestore.argsort(1).narrow(1, KeptCount, PatchCount - KeptCount);
        var prediction = Decode(Encode(visible), idsRestore, maskedIds);
        var target = PixelTarget(images);
        target = NormalisedTarget(target.gather(1, maskedIds.unsqueeze(-1).expand(-1, -1, target.shape[2])));
        return new MaeOutput(Error(prediction, target).mean(), prediction, mask, maskedIds);
    }

    /// <summary>Masked pass that reconstructs every patch, visible ones too (for looking at what the model
    /// learned): prediction [B, L, p²·C] and mask [B, L].</summary>
    public (Tensor Prediction, Tensor Mask) Reconstruct(Tensor images, Generator noise)
    {
        CheckImages(images);
        var (visible, mask, idsRestore) = Masking(images, EmbedPatches(images), noise);
        return (Decode(Encode(visible), idsRestore, null), mask);
    }

    /// <summary>Encoder on every patch, no masking: [B, L (+1 with CLS first), D] after the final LayerNorm.</summary>
    public Tensor EncodeAll(Tensor images)
    {
        CheckImages(images);
        return Encode(EmbedPatches(images));
    }

    /// <summary>The encoder on the patches at <paramref name="ids"/> [B, K] only (I-JEPA's context encoder):
    /// [B, K, D] after the final LayerNorm, one row per id in its order (a CLS token, if any, is read and dropped).</summary>
    internal Tensor EncodePatchesAt(Tensor images, Tensor ids)
    {
        CheckImages(images);
        var tokens = EmbedPatches(images);
        return PatchRows(Encode(tokens.gather(1, ids.unsqueeze(-1).expand(-1, -1, Config.EmbedDim))));
    }

    /// <summary>The patch rows of encoder output [B, (1 +) K, D]: without the CLS row when there is one.</summary>
    internal Tensor PatchRows(Tensor encoded) => cls_token is null ? encoded : encoded.narrow(1, 1, encoded.shape[1] - 1);

    /// <summary>The encoder's trainable parameters by name: everything but the decoder (I-JEPA trains no decoder).</summary>
    internal IEnumerable<(string Name, Parameter Parameter)> EncoderParameters() =>
        named_parameters().Where(p => !DecoderParts.Any(part => p.name == part || p.name.StartsWith(part + ".", StringComparison.Ordinal)));

    /// <summary>The decoder's registered names (the fields below the encoder's).</summary>
    private static readonly string[] DecoderParts =
        [nameof(decoder_embed), nameof(mask_token), nameof(decoder_blocks), nameof(decoder_norm), nameof(decoder_pred)];

    /// <summary>
    /// Encoder on every patch, no masking, keeping the tokens after each of <paramref name="layers"/>
    /// (0 = the embedded patches before the first block, k = the output of block k), each through the
    /// final LayerNorm as the last layer's are: [B, L (+1 with CLS first), D] per layer, in the order asked.
    /// </summary>
    /// <exception cref="ArgumentException">No layers, a layer outside 0..Depth, or one asked twice.</exception>
    public IReadOnlyList<Tensor> EncodeLayers(Tensor images, IReadOnlyList<int> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        CheckLayers(layers);
        CheckImages(images);
        var x = EmbedPatches(images);
        if (cls_token is not null) x = cat([cls_token.expand(x.shape[0], 1, Config.EmbedDim), x], 1);
        var kept = new Tensor[layers.Count];
        for (var depth = 0; depth <= layers.Max(); depth++)
        {
            if (depth > 0) x = blocks[depth - 1].forward(x);
            for (var i = 0; i < layers.Count; i++)
                if (layers[i] == depth) kept[i] = norm.forward(x);
        }

        return kept;
    }

    /// <summary>The attention weights of the last encoder block on every patch, no masking: [B, heads, T, T]
    /// (T = L, or L + 1 with the CLS token first), row q the distribution query token q attends with.</summary>
    public Tensor LastBlockAttention(Tensor images)
    {
        CheckImages(images);
        var x = EmbedPatches(images);
        if (cls_token is not null) x = cat([cls_token.expand(x.shape[0], 1, Config.EmbedDim), x], 1);
        for (var i = 0; i < blocks.Count - 1; i++) x = blocks[i].forward(x);
        return blocks[blocks.Count - 1].AttentionWeights(x);
    }

    /// <summary>One feature vector per image for the probe: [B, D] from the last block, or the
    /// pooled tokens of each of <paramref name="layers"/> (see <see cref="EncodeLayers"/>) side by side.</summary>
    public Tensor PooledFeatures(Tensor images, FeaturePooling pooling, int regionGrid = 2, IReadOnlyList<int>? layers = null)
    {
        if (pooling == FeaturePooling.ClsToken && cls_token is null)
            throw new InvalidOperationException("CLS pooling needs a model built with MaeConfig.UseClsToken = true.");
        var encoded = EncodeLayers(images, layers ?? [Config.Depth]);
        var pooled = encoded.Select(tokens => Pool(tokens, pooling, regionGrid)).ToArray();
        return pooled.Length == 1 ? pooled[0] : cat(pooled, 1);
    }

    /// <summary>Features per image when pooling this way: EmbedDim (·grid² for region means) per layer.</summary>
    public int PooledDimension(FeaturePooling pooling, int regionGrid = 2, int layerCount = 1) =>
        layerCount * (pooling == FeaturePooling.RegionMeans ? Config.EmbedDim * regionGrid * regionGrid : Config.EmbedDim);

    private Tensor Pool(Tensor encoded, FeaturePooling pooling, int regionGrid)
    {
        var first = cls_token is null ? 0 : 1;
        var patches = encoded.narrow(1, first, PatchCount);
        return pooling switch
        {
            FeaturePooling.ClsToken => encoded.select(1, 0),
            FeaturePooling.RegionMeans => RegionMeans(patches, regionGrid),
            _ => patches.mean([1]),
        };
    }

    private void CheckLayers(IReadOnlyList<int> layers)
    {
        if (layers.Count == 0)
            throw new ArgumentException("At least one encoder layer is needed for features.", nameof(layers));
        foreach (var layer in layers)
            if (layer < 0 || layer > Config.Depth)
                throw new ArgumentException($"Encoder layer {layer} does not exist: this encoder has layers 0 (patch embedding) to {Config.Depth}.", nameof(layers));
        if (layers.Distinct().Count() != layers.Count)
            throw new ArgumentException($"Encoder layers repeat: {string.Join(", ", layers)}.", nameof(layers));
    }

    private Tensor RegionMeans(Tensor patches, int regionGrid)
    {
        var side = Config.ImageSize / Config.PatchSize;
        if (regionGrid < 1 || side % regionGrid != 0)
            throw new ArgumentException($"Region grid {regionGrid} must divide the {side}×{side} patch grid.", nameof(regionGrid));
        var batch = patches.shape[0];
        // [B, L, D] → [B, D, side, side] → mean over each (side/grid)² block → [B, D·grid²]
        var grid = patches.transpose(1, 2).reshape(batch, Config.EmbedDim, side, side);
        return nn.functional.avg_pool2d(grid, side / regionGrid).flatten(1);
    }

    /// <summary>Per-patch error (<see cref="MaeConfig.Loss"/>) averaged over pixels, then over masked patches only: sum(loss·mask)/sum(mask).</summary>
    public Tensor Loss(Tensor images, Tensor prediction, Tensor mask)
    {
        var perPatch = Error(prediction, NormalisedTarget(PixelTarget(images))).mean([-1]);
        return (perPatch * mask).sum() / mask.sum();
    }

    /// <summary>The masked-reconstruction loss of each image, [B]: <see cref="Loss"/> per image, for the
    /// <c>recon_loss</c> evaluation and its interval.</summary>
    public Tensor PerImageLoss(Tensor images, Tensor prediction, Tensor mask)
    {
        var perPatch = Error(prediction, NormalisedTarget(PixelTarget(images))).mean([-1]);
        return (perPatch * mask).sum([1]) / mask.sum([1]);
    }

    /// <summary>The pixel-wise error the loss averages: absolute for L1, squared for the two MSEs, binary
    /// cross-entropy of the prediction as a logit for BCE.</summary>
    private Tensor Error(Tensor prediction, Tensor target) => Config.Loss switch
    {
        ReconstructionLoss.L1 => (prediction - target).abs(),
        ReconstructionLoss.Bce => nn.functional.binary_cross_entropy_with_logits(prediction, target, reduction: nn.Reduction.None),
        _ => (prediction - target).square(),
    };

    /// <summary>[B, L, p²·C] patches of what the loss compares against: the pixels, or for <see cref="ReconstructionLoss.Bce"/>
    /// the pixels of each image min–max scaled to [0, 1].</summary>
    private Tensor PixelTarget(Tensor images) => Patchify(Config.Loss == ReconstructionLoss.Bce ? UnitScale(images).Scaled : images);

    /// <summary>Each image [B, C, H, W] min–max scaled to [0, 1] over all its pixels and channels, with the minimum and the
    /// range [B, 1, 1, 1] that undo it (a flat image's range is taken as 1e-6, so it scales to zeros).</summary>
    internal static (Tensor Scaled, Tensor Min, Tensor Range) UnitScale(Tensor images)
    {
        var min = images.amin([1, 2, 3], keepdim: true);
        var range = (images.amax([1, 2, 3], keepdim: true) - min).clamp_min(1e-6);
        return ((images - min) / range, min, range);
    }

    /// <summary>Patch pixels as the loss compares them: per-patch normalised for <see cref="ReconstructionLoss.MseNormPix"/>.</summary>
    private Tensor NormalisedTarget(Tensor patches)
    {
        if (Config.Loss != ReconstructionLoss.MseNormPix) return patches;
        var mean = patches.mean([-1], keepdim: true);
        var variance = patches.var(-1, unbiased: true, keepdim: true);
        return (patches - mean) / (variance + 1e-6).sqrt();
    }

    private Tensor EmbedPatches(Tensor images) => PatchTokens(images) + pos_embed;

    /// <summary>
    /// The patch embedding [B, L, D] before positions: the Conv2d with kernel = stride = patch whose weights it
    /// holds, computed as one matrix product over the patches' pixels in the kernel's (channel, row, column)
    /// order. The same numbers; libtorch's convolution backward for this shape takes several times longer.
    /// </summary>
    internal Tensor PatchTokens(Tensor images)
    {
        var (p, g, c) = (Config.PatchSize, Config.GridSize(), Config.Channels);
        var batch = images.shape[0];
        var pixels = images.reshape(batch, c, g, p, g, p).permute(0, 2, 4, 1, 3, 5).reshape(batch, PatchCount, c * p * p);
        var kernel = patch_embed.weight!.reshape(Config.EmbedDim, c * p * p);
        return nn.functional.linear(pixels, kernel, patch_embed.bias);
    }

    private Tensor Encode(Tensor tokens)
    {
        var x = cls_token is null
            ? tokens
            : cat([cls_token.expand(tokens.shape[0], 1, Config.EmbedDim), tokens], 1);
        foreach (var block in blocks) x = block.forward(x);
        return norm.forward(x);
    }

    /// <param name="rows">Patches the prediction is wanted for, or null for every patch.</param>
    private Tensor Decode(Tensor latent, Tensor idsRestore, Tensor? rows)
    {
        var x = decoder_embed.forward(latent);
        var (batch, dim) = (x.shape[0], Config.DecoderEmbedDim);
        Tensor? cls = null;
        if (cls_token is not null)
        {
            cls = x.narrow(1, 0, 1);
            x = x.narrow(1, 1, x.shape[1] - 1);
        }

        var masked = mask_token.expand(batch, PatchCount - x.shape[1], dim);
        x = cat([x, masked], 1).gather(1, idsRestore.unsqueeze(-1).expand(batch, PatchCount, dim));
        x = x + decoder_pos_embed;
        // The CLS row of MAE's decoder position table is all zeros, so CLS goes back in unchanged.
        if (cls is not null) x = cat([cls, x], 1);
        var last = decoder_blocks.Count - 1;
        for (var i = 0; i < last; i++) x = decoder_blocks[i].forward(x);
        if (rows is null)
        {
            var prediction = decoder_pred.forward(decoder_norm.forward(decoder_blocks[last].forward(x)));
            return cls is null ? prediction : prediction.narrow(1, 1, PatchCount);
        }

        // Row r of the token sequence is patch r, or patch r − 1 behind a CLS token.
        var tokenRows = cls is null ? rows : rows + 1;
        return decoder_pred.forward(decoder_norm.forward(decoder_blocks[last].ForwardRows(x, tokenRows)));
    }

    private void CheckImages(Tensor images)
    {
        var expected = new long[] { Config.Channels, Config.ImageSize, Config.ImageSize };
        if (images.dim() != 4 || !images.shape.AsSpan(1).SequenceEqual(expected))
            throw new ArgumentException(
                $"Images must be [B, {Config.Channels}, {Config.ImageSize}, {Config.ImageSize}] for this MAE, got [{string.Join(", ", images.shape)}].",
                nameof(images));
    }

    private void InitialiseWeights(long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        using var _ = no_grad();

        // Patch embedding as MAE: xavier-uniform on the flattened (out, in·p·p) kernel; bias keeps
        // PyTorch's default U(±1/√fan_in) (MAE's _init_weights touches only Linear and LayerNorm).
        var kernel = patch_embed.weight!;
        var fanIn = kernel.shape[1] * kernel.shape[2] * kernel.shape[3];
        XavierUniform(kernel, fanIn, kernel.shape[0], generator);
        var biasBound = 1.0 / Math.Sqrt(fanIn);
        patch_embed.bias!.copy_((rand(patch_embed.bias.shape, generator: generator) * 2 - 1) * biasBound);

        if (cls_token is not null) cls_token.copy_(randn(cls_token.shape, generator: generator) * TokenInitStd);
        mask_token.copy_(randn(mask_token.shape, generator: generator) * TokenInitStd);

        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    XavierUniform(linear.weight!, linear.weight!.shape[1], linear.weight!.shape[0], generator);
                    linear.bias?.zero_();
                    break;
                case LayerNorm layerNorm:
                    layerNorm.weight?.fill_(1.0);
                    layerNorm.bias?.zero_();
                    break;
            }
        }
    }

    internal static void XavierUniform(Tensor weight, long fanIn, long fanOut, Generator generator)
    {
        var bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        weight.copy_((rand(weight.shape, generator: generator) * 2 - 1) * bound);
    }
}

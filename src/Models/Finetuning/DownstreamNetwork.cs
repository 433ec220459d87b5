using LensSweep.Models.Mae;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Finetuning;

/// <summary>What a downstream network's features come from: the contenders every downstream task compares.</summary>
public enum Contender
{
    /// <summary>The trained encoder the user named.</summary>
    Pretrained,

    /// <summary>An encoder of the same configuration with freshly initialised weights, trained on the same schedule.</summary>
    RandomInit,

    /// <summary>A <see cref="SmallCnn"/> of about the encoder's size, trained from scratch.</summary>
    SupervisedCnn,
}

/// <summary>
/// A backbone (an MAE's encoder or a <see cref="SmallCnn"/>) and a head. For classification and regression, a
/// linear head on pooled features (the mean of the encoder's patch tokens after the final LayerNorm, or of a grid
/// of regions), standardised first by a batch norm without learned scale or shift (MAE's main_linprobe.py head):
/// mean-pooled tokens of lens images differ little from image to image, and an unscaled linear head barely moves
/// on them. In evaluation the norm uses its running statistics. For super-resolution, an
/// <see cref="UpsamplingHead"/> on the backbone's feature map (the encoder's patch tokens on their grid, or the
/// CNN's last feature map) and on the input image itself (its pixel branch, the same for every backbone). The MAE's decoder is carried along unused, so the network's state is the
/// checkpoint's model plus the head.
/// </summary>
public sealed class DownstreamNetwork : nn.Module
{
    private readonly MaeModel? encoder;
    private readonly SmallCnn? cnn;
    private readonly BatchNorm1d? norm;
    private readonly Linear? head;
    private readonly UpsamplingHead? upsampler;

    private DownstreamNetwork(MaeModel? encoder, SmallCnn? cnn, int regionGrid, int features, int outputs, long seed) : base(nameof(DownstreamNetwork))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(regionGrid, 1);
        RegionGrid = regionGrid;
        this.encoder = encoder;
        this.cnn = cnn;
        norm = nn.BatchNorm1d(features, eps: 1e-6, affine: false);
        head = nn.Linear(features, outputs);
        RegisterComponents();
        using var generator = new Generator((ulong)seed, CPU);
        using var _ = no_grad();
        var bound = 1.0 / Math.Sqrt(features);
        head.weight!.copy_((rand(head.weight.shape, generator: generator) * 2 - 1) * bound);
        head.bias!.zero_();
    }

    private DownstreamNetwork(MaeModel? encoder, SmallCnn? cnn, UpsamplingHead upsampler) : base(nameof(DownstreamNetwork))
    {
        RegionGrid = 1;
        this.encoder = encoder;
        this.cnn = cnn;
        this.upsampler = upsampler;
        RegisterComponents();
    }
    /// <summary>An MAE encoder with a head; <paramref name="encoderModel"/> becomes part of the network (it is disposed with it).</summary>
    /// <param name="regionGrid">1: the mean of all patch tokens; N: their means over an N×N grid of image regions,
    /// side by side (keeps where in the image a feature is, which a global mean erases); N must divide the patch grid.</param>
    /// <exception cref="ArgumentException">The region grid does not divide the encoder's patch grid.</exception>
    public static DownstreamNetwork OnEncoder(MaeModel encoderModel, int outputs, long headSeed, int regionGrid = 1)
    {
        ArgumentNullException.ThrowIfNull(encoderModel);
        if (RegionGridProblem(encoderModel.Config, regionGrid) is { } problem)
            throw new ArgumentException(problem, nameof(regionGrid));
        var pooling = regionGrid == 1 ? FeaturePooling.MeanPatchTokens : FeaturePooling.RegionMeans;
        return new DownstreamNetwork(encoderModel, null, regionGrid, encoderModel.PooledDimension(pooling, regionGrid), outputs, headSeed);
    }

    /// <summary>A <see cref="SmallCnn"/> with a head on its last feature map averaged over a <paramref name="regionGrid"/>² grid.</summary>
    public static DownstreamNetwork OnCnn(SmallCnn network, int outputs, long headSeed, int regionGrid = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new DownstreamNetwork(null, network, regionGrid, network.FeatureDimension * regionGrid * regionGrid, outputs, headSeed);
    }

    /// <summary>An MAE encoder with an <see cref="UpsamplingHead"/> on its patch tokens (each token a cell of the
    /// patch grid), <paramref name="factor"/> times the image's side; the encoder becomes part of the network.</summary>
    public static DownstreamNetwork UpsamplingOnEncoder(MaeModel encoderModel, int factor, long headSeed)
    {
        ArgumentNullException.ThrowIfNull(encoderModel);
        var config = encoderModel.Config;
        return new DownstreamNetwork(encoderModel, null, new UpsamplingHead(config.EmbedDim, config.Channels, config.PatchSize, factor, headSeed));
    }

    /// <summary>A <see cref="SmallCnn"/> with an <see cref="UpsamplingHead"/> on its last feature map (a quarter of the image's side).</summary>
    public static DownstreamNetwork UpsamplingOnCnn(SmallCnn network, int channels, int factor, long headSeed)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new DownstreamNetwork(null, network, new UpsamplingHead(network.FeatureDimension, channels, SmallCnn.Downsampling, factor, headSeed));
    }

    /// <summary>Why images of this encoder cannot be upsampled by every contender; null when they can (the CNN
    /// baseline's feature map is a quarter of the image's side, so the side must divide by 4).</summary>
    public static string? UpsamplingProblem(MaeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.ImageSize % SmallCnn.Downsampling == 0
            ? null
            : $"the CNN baseline's feature map is a quarter of the image's side, and the encoder's images ({config.ImageSize}×{config.ImageSize}) do not divide by {SmallCnn.Downsampling}";
    }

    /// <summary>Output side over input side of a super-resolution network; null for a classifier or a regression.</summary>
    public int? Factor => upsampler?.Factor;

    /// <summary>Why <paramref name="regionGrid"/> cannot pool this encoder's tokens; null when it can.</summary>
    public static string? RegionGridProblem(MaeConfig config, int regionGrid)
    {
        ArgumentNullException.ThrowIfNull(config);
        var side = config.ImageSize / config.PatchSize;
        return regionGrid >= 1 && side % regionGrid == 0
            ? null
            : $"a region grid of {regionGrid} must divide the encoder's {side}×{side} patch grid (its image {config.ImageSize}, patch {config.PatchSize})";
    }

    /// <summary>1 for a global mean, else the side of the grid of regions whose means the head reads.</summary>
    public int RegionGrid { get; }

    /// <summary>Trainable values of the backbone alone (an MAE's encoder without its decoder).</summary>
    public long BackboneParameterCount => encoder is not null ? EncoderParameterCount(encoder) : cnn!.parameters().Sum(p => p.numel());

    /// <summary>Trainable values of an MAE's encoder: everything but the decoder and its mask token.</summary>
    public static long EncoderParameterCount(MaeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.named_parameters()
            .Where(p => !p.name.StartsWith("decoder", StringComparison.Ordinal) && p.name != "mask_token")
            .Sum(p => p.parameter.numel());
    }

    /// <summary>[B, C, H, W] → [B, outputs], or [B, C, H·factor, W·factor] for super-resolution; with a frozen
    /// backbone its features are computed without gradients.</summary>
    public Tensor Forward(Tensor images, bool trainBackbone)
    {
        Tensor features;
        if (trainBackbone)
        {
            features = Features(images);
        }
        else
        {
            using (no_grad())
                features = Features(images);
        }

        return upsampler is not null ? upsampler.Forward(features, images) : head!.forward(norm!.forward(features));
    }

    private Tensor Features(Tensor images)
    {
        if (upsampler is not null)
            return encoder is not null ? PatchGrid(encoder, images) : cnn!.FeatureMap(images);
        return encoder is not null
            ? encoder.PooledFeatures(images, RegionGrid == 1 ? FeaturePooling.MeanPatchTokens : FeaturePooling.RegionMeans, RegionGrid)
            : cnn!.Features(images, RegionGrid);
    }

    /// <summary>[B, C, H, W] → the encoder's patch tokens on their grid, [B, D, H/patch, W/patch].</summary>
    private static Tensor PatchGrid(MaeModel model, Tensor images)
    {
        var tokens = model.PatchRows(model.EncodeAll(images));
        var side = model.Config.ImageSize / model.Config.PatchSize;
        return tokens.transpose(1, 2).reshape(tokens.shape[0], model.Config.EmbedDim, side, side);
    }
}

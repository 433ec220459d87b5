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
/// A backbone (an MAE's encoder, mean of its patch tokens after the final LayerNorm, or a <see cref="SmallCnn"/>)
/// and a linear head on its pooled features, standardised first by a batch norm without learned scale or shift
/// (MAE's main_linprobe.py head): mean-pooled tokens of lens images differ little from image to image, and an
/// unscaled linear head barely moves on them. In evaluation the norm uses its running statistics. The MAE's decoder is carried along unused, so the network's state is
/// the checkpoint's model plus the head.
/// </summary>
public sealed class DownstreamNetwork : nn.Module
{
    private readonly MaeModel? encoder;
    private readonly SmallCnn? cnn;
    private readonly BatchNorm1d norm;
    private readonly Linear head;

    private DownstreamNetwork(MaeModel? encoder, SmallCnn? cnn, int features, int outputs, long seed) : base(nameof(DownstreamNetwork))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
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

    /// <summary>An MAE encoder with a head; <paramref name="encoderModel"/> becomes part of the network (it is disposed with it).</summary>
    public static DownstreamNetwork OnEncoder(MaeModel encoderModel, int outputs, long headSeed)
    {
        ArgumentNullException.ThrowIfNull(encoderModel);
        return new DownstreamNetwork(encoderModel, null, encoderModel.PooledDimension(FeaturePooling.MeanPatchTokens), outputs, headSeed);
    }

    /// <summary>A <see cref="SmallCnn"/> with a head.</summary>
    public static DownstreamNetwork OnCnn(SmallCnn network, int outputs, long headSeed)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new DownstreamNetwork(null, network, network.FeatureDimension, outputs, headSeed);
    }

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

    /// <summary>[B, C, H, W] → [B, outputs]; with a frozen backbone its features are computed without gradients.</summary>
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

        return head.forward(norm.forward(features));
    }

    private Tensor Features(Tensor images) =>
        encoder is not null ? encoder.PooledFeatures(images, FeaturePooling.MeanPatchTokens) : cnn!.Features(images);
}

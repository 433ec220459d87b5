using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Finetuning;

/// <summary>
/// The supervised baseline a pretrained encoder has to beat: three 3×3 convolution blocks (width w, 2w, 4w, each
/// ReLU, the first two then 2×2 max-pooling, the last averaged over the image or a grid of its regions) giving 4w
/// features per image and region. No batch norm, so
/// training and evaluation compute the same function and nothing depends on batch composition. Weights are drawn
/// from the seed (He-uniform, zero bias), so a seed gives the same network on any machine.
/// </summary>
public sealed class SmallCnn : nn.Module
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;

    public SmallCnn(int channels, int width, long seed) : base(nameof(SmallCnn))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Width = width;
        conv1 = nn.Conv2d(channels, width, kernel_size: 3, padding: 1);
        conv2 = nn.Conv2d(width, 2 * width, kernel_size: 3, padding: 1);
        conv3 = nn.Conv2d(2 * width, 4 * width, kernel_size: 3, padding: 1);
        RegisterComponents();
        using var generator = new Generator((ulong)seed, CPU);
        using var _ = no_grad();
        foreach (var conv in new[] { conv1, conv2, conv3 })
        {
            var weight = conv.weight!;
            var fanIn = weight.shape[1] * weight.shape[2] * weight.shape[3];
            weight.copy_((rand(weight.shape, generator: generator) * 2 - 1) * Math.Sqrt(6.0 / fanIn));
            conv.bias!.zero_();
        }
    }

    /// <summary>The last feature map's side is the image's over this (two 2×2 max-poolings).</summary>
    public const int Downsampling = 4;

    public int Width { get; }

    /// <summary>Features per image: 4·width.</summary>
    public int FeatureDimension => 4 * Width;

    /// <summary>Trainable values of a network of this width on this many channels (as <see cref="nn.Module.parameters"/> counts them).</summary>
    public static long ParameterCount(int channels, int width) =>
        (9L * channels * width) + width + (9L * width * 2 * width) + (2 * width) + (9L * 2 * width * 4 * width) + (4 * width);

    /// <summary>The width whose parameter count is closest to <paramref name="target"/> (a baseline of similar size to the encoder it is compared with).</summary>
    public static int WidthFor(long target, int channels)
    {
        var best = 1;
        for (var width = 2; ParameterCount(channels, width - 1) < target; width++)
        {
            if (Math.Abs(ParameterCount(channels, width) - target) < Math.Abs(ParameterCount(channels, best) - target))
                best = width;
        }

        return best;
    }

    /// <summary>[B, C, H, W] → [B, 4·width·regionGrid²]: the last feature map averaged over a grid of regions
    /// (1: one global mean).</summary>
    public Tensor Features(Tensor images, int regionGrid = 1)
    {
        var x = FeatureMap(images);
        return regionGrid == 1 ? x.mean([2, 3]) : nn.functional.adaptive_avg_pool2d(x, [regionGrid, regionGrid]).flatten(1);
    }

    /// <summary>[B, C, H, W] → [B, 4·width, H/4, W/4]: the last block's map before any averaging.</summary>
    public Tensor FeatureMap(Tensor images)
    {
        var x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(images)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
        return nn.functional.relu(conv3.forward(x));
    }
}

using LensSweep.Models.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Finetuning;

/// <summary>
/// The super-resolution head on a backbone's feature map [B, F, g, g] and the image it came from [B, C, S, S]
/// (sub-pixel convolution, as ESPCN, Shi et al. 2016): the features projected by a 1×1 convolution to
/// <see cref="HiddenChannels"/> and spread to the image's grid (each feature cell copied over the
/// <see cref="Spread"/>×<see cref="Spread"/> input pixels it covers, s = S / g); beside them a pixel branch, a 3×3
/// convolution of the input image to <see cref="HiddenChannels"/> with GELU; both stacked, then a 3×3 convolution
/// to <see cref="HiddenChannels"/> with GELU and a 3×3 convolution to C·factor² channels, pixel-shuffled by the
/// factor (each input pixel becomes a factor×factor block of output pixels, each with its own channel) and added
/// to the bilinear upsampling of the input (<see cref="Bilinear"/>). The pixel branch is what lets the head correct
/// bilinear pixel by pixel: on the feature map alone, one feature vector paints a whole (s·factor)² block and
/// cannot follow an arc's edge inside it. It reads the input at its own side rather than the bilinear upsampling
/// at the output's: the same pixels (bilinear adds no information), factor² times fewer positions for the
/// convolutions, and every output pixel still has its own weights through the shuffle. The last convolution
/// starts at zero, so an untrained head outputs exactly the bilinear baseline and training learns what it misses.
/// The encoders and the CNN baseline get the same head on their own feature maps. Weights are drawn from the seed.
/// </summary>
public sealed class UpsamplingHead : nn.Module
{
    public const int HiddenChannels = 32;

    private readonly Conv2d project;
    private readonly Conv2d pixels;
    private readonly Conv2d hidden;
    private readonly Conv2d output;

    /// <param name="features">F, channels of the feature map.</param>
    /// <param name="channels">C, channels of the image.</param>
    /// <param name="spread">s, input pixels per feature cell along a side (image side / feature-map side).</param>
    /// <param name="factor">Output side over input side.</param>
    public UpsamplingHead(int features, int channels, int spread, int factor, long seed) : base(nameof(UpsamplingHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spread, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 2);
        Spread = spread;
        Factor = factor;
        project = nn.Conv2d(features, HiddenChannels, kernel_size: 1);
        pixels = nn.Conv2d(channels, HiddenChannels, kernel_size: 3, padding: 1);
        hidden = nn.Conv2d(2 * HiddenChannels, HiddenChannels, kernel_size: 3, padding: 1);
        output = nn.Conv2d(HiddenChannels, channels * factor * factor, kernel_size: 3, padding: 1);
        RegisterComponents();
        using var generator = new Generator((ulong)seed, CPU);
        using var _ = no_grad();
        foreach (var conv in new[] { project, pixels, hidden })
        {
            var weight = conv.weight!;
            var fanIn = weight.shape[1] * weight.shape[2] * weight.shape[3];
            weight.copy_((rand(weight.shape, generator: generator) * 2 - 1) * Math.Sqrt(6.0 / fanIn));
            conv.bias!.zero_();
        }

        output.weight!.zero_();
        output.bias!.zero_();
    }

    /// <summary>Input pixels per feature cell along a side.</summary>
    public int Spread { get; }

    /// <summary>Output side over input side.</summary>
    public int Factor { get; }

    /// <summary>[B, F, g, g] features and the [B, C, S, S] images they came from (S = g·spread) → [B, C, S·factor, S·factor].</summary>
    public Tensor Forward(Tensor features, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(images);
        var spread = project.forward(features);
        if (Spread > 1)
            spread = spread.repeat_interleave(Spread, 2).repeat_interleave(Spread, 3);
        var stacked = cat([spread, nn.functional.gelu(pixels.forward(images))], 1);
        var residual = nn.functional.pixel_shuffle(output.forward(nn.functional.gelu(hidden.forward(stacked))), Factor);
        return Bilinear(images, Factor) + residual;
    }

    /// <summary>[B, C, S, S] → [B, C, S·factor, S·factor] by bilinear interpolation (pixel centres aligned, as
    /// PyTorch's align_corners=False): the trivial baseline every super-resolution contender starts from.</summary>
    public static Tensor Bilinear(Tensor images, int factor)
    {
        ArgumentNullException.ThrowIfNull(images);
        var side = images.shape[2] * factor;
        return nn.functional.interpolate(images, size: [side, images.shape[3] * factor], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    /// <summary>Every image of <paramref name="images"/> upsampled by <see cref="Bilinear(Tensor, int)"/>: N·C·(side·factor)² values.</summary>
    public static float[] Bilinear(LensDataset images, int factor)
    {
        ArgumentNullException.ThrowIfNull(images);
        const int batch = 64;
        var size = images.Channels * images.Height * factor * images.Width * factor;
        var result = new float[(long)images.Count * size];
        using var _ = no_grad();
        for (var start = 0; start < images.Count; start += batch)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(batch, images.Count - start);
            var input = tensor(images.Images.AsSpan(start * images.PixelsPerImage, n * images.PixelsPerImage).ToArray(), [n, images.Channels, images.Height, images.Width]);
            Bilinear(input, factor).contiguous().data<float>().CopyTo(result, start * size);
        }

        return result;
    }
}

using LensSweep.Models.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LensSweep.Models.Finetuning;

/// <summary>
/// The super-resolution head on a backbone's feature map [B, F, g, g]: a 3×3 convolution to
/// <see cref="HiddenChannels"/> with GELU, a 3×3 convolution to C·u² channels and a pixel shuffle by u (each
/// feature cell becomes a u×u block of output pixels; u = output side / g), added to the bilinear upsampling of
/// the input (<see cref="Bilinear"/>). The last convolution starts at zero, so an untrained head outputs exactly
/// the bilinear baseline and training learns what it misses. Weights are drawn from the seed.
/// </summary>
public sealed class UpsamplingHead : nn.Module
{
    public const int HiddenChannels = 32;

    private readonly Conv2d hidden;
    private readonly Conv2d output;

    /// <param name="features">F, channels of the feature map.</param>
    /// <param name="channels">C, channels of the image.</param>
    /// <param name="upscale">u, output pixels per feature cell along a side.</param>
    public UpsamplingHead(int features, int channels, int upscale, int factor, long seed) : base(nameof(UpsamplingHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(upscale, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 2);
        Upscale = upscale;
        Factor = factor;
        hidden = nn.Conv2d(features, HiddenChannels, kernel_size: 3, padding: 1);
        output = nn.Conv2d(HiddenChannels, channels * upscale * upscale, kernel_size: 3, padding: 1);
        RegisterComponents();
        using var generator = new Generator((ulong)seed, CPU);
        using var _ = no_grad();
        var fanIn = features * 9.0;
        hidden.weight!.copy_((rand(hidden.weight.shape, generator: generator) * 2 - 1) * Math.Sqrt(6.0 / fanIn));
        hidden.bias!.zero_();
        output.weight!.zero_();
        output.bias!.zero_();
    }

    /// <summary>Output pixels per feature cell along a side.</summary>
    public int Upscale { get; }

    /// <summary>Output side over input side.</summary>
    public int Factor { get; }

    /// <summary>[B, F, g, g] features and the [B, C, S, S] images they came from → [B, C, S·factor, S·factor].</summary>
    public Tensor Forward(Tensor features, Tensor images)
    {
        var residual = nn.functional.pixel_shuffle(output.forward(nn.functional.gelu(hidden.forward(features))), Upscale);
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

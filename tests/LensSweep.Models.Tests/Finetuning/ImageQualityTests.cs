using LensSweep.Models.Finetuning;

namespace LensSweep.Models.Tests.Finetuning;

public sealed class ImageQualityTests
{
    [Fact]
    public void Ssim_under_one_uniform_window_is_the_hand_computed_value()
    {
        // x = [0 0; 1 1], y = [0 1; 0 1], L = 1: μx = μy = 0.5, σx² = σy² = 0.25, σxy = 0.25 − 0.25 = 0,
        // C1 = 1e-4, C2 = 9e-4: SSIM = (0.5001 · 0.0009) / (0.5001 · 0.5009) = 0.0009 / 0.5009.
        var ssim = ImageQuality.Ssim([0, 0, 1, 1], [0, 1, 0, 1], channels: 1, side: 2, range: 1, window: [0.25, 0.25, 0.25, 0.25], windowSide: 2);

        Assert.Equal(0.0009 / 0.5009, ssim, 12);
    }

    [Fact]
    public void Ssim_is_the_mean_over_every_position_the_window_fits()
    {
        // A 3×3 pair under a 2×2 uniform window: four positions. Only the top-left one differs (x has a 1 where y has 0):
        // there μx = 0.25, μy = 0, σx² = 0.1875, σy² = 0, σxy = 0, so SSIM = C1·C2 / ((0.0625 + C1)(0.1875 + C2)); elsewhere 1.
        float[] x = [1, 0, 0, 0, 0, 0, 0, 0, 0];
        float[] y = [0, 0, 0, 0, 0, 0, 0, 0, 0];
        const double c1 = 1e-4, c2 = 9e-4;
        var corner = c1 * c2 / ((0.0625 + c1) * (0.1875 + c2));

        var ssim = ImageQuality.Ssim(x, y, channels: 1, side: 3, range: 1, window: [0.25, 0.25, 0.25, 0.25], windowSide: 2);

        Assert.Equal((corner + 3) / 4, ssim, 12);
    }

    [Fact]
    public void Ssim_of_an_image_with_itself_is_one()
    {
        var random = new Random(4);
        var image = Enumerable.Range(0, 2 * 16 * 16).Select(_ => (float)random.NextDouble()).ToArray();

        Assert.Equal(1.0, ImageQuality.Ssim(image, image, channels: 2, side: 16), 12);
    }

    [Fact]
    public void Noise_lowers_the_ssim()
    {
        var random = new Random(4);
        var image = Enumerable.Range(0, 16 * 16).Select(i => (float)Math.Sin(i / 7.0)).ToArray();
        var noisy = image.Select(v => v + (float)(0.5 * (random.NextDouble() - 0.5))).ToArray();

        Assert.InRange(ImageQuality.Ssim(noisy, image, channels: 1, side: 16), 0, 0.95);
    }

    [Fact]
    public void The_gaussian_window_is_eleven_by_eleven_sums_to_one_and_peaks_at_its_centre()
    {
        var window = ImageQuality.GaussianWindow;

        Assert.Equal(121, window.Length);
        Assert.Equal(1.0, window.Sum(), 12);
        Assert.Equal(window.Max(), window[60]);
        // One pixel from the centre the weight is exp(−1 / (2 · 1.5²)) of the centre's.
        Assert.Equal(Math.Exp(-1 / 4.5), window[61] / window[60], 12);
    }

    [Fact]
    public void Psnr_is_the_hand_computed_value()
    {
        // Range 1, one pixel of four off by 0.1: MSE = 0.01 / 4 = 0.0025, PSNR = 10·log10(1 / 0.0025) = 10·log10(400).
        Assert.Equal(10 * Math.Log10(400), ImageQuality.Psnr([0.1f, 1, 0, 1], [0, 1, 0, 1]), 5);
    }

    [Fact]
    public void Psnr_of_an_exact_copy_is_infinite() =>
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr([0, 1, 2], [0, 1, 2]));

    [Fact]
    public void A_window_larger_than_the_image_is_refused() =>
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new float[64], Enumerable.Range(0, 64).Select(v => (float)v).ToArray(), channels: 1, side: 8));

    [Fact]
    public void Psnr_against_a_constant_truth_is_refused_not_nan()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageQuality.Psnr([0.1f, 0, 0, 0], [0, 0, 0, 0]));

        Assert.Contains("no PSNR or SSIM", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ssim_against_a_constant_truth_is_refused_not_nan() =>
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new float[16 * 16], Enumerable.Repeat(2f, 16 * 16).ToArray(), channels: 1, side: 16));
}

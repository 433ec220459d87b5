namespace LensSweep.Models.Finetuning;

/// <summary>
/// How close a reconstructed image is to its truth, per image (C×side×side, row-major), with the truth's own
/// range L = max − min over all its pixels as the data range (the images are standardised floats, which have no
/// fixed white level).
/// <list type="bullet">
/// <item>PSNR = 10·log10(L² / MSE) in dB, the MSE over every pixel and channel; +∞ for an exact copy.</item>
/// <item>SSIM (Wang, Bovik, Sheikh and Simoncelli 2004): per channel, at every position where an 11×11 Gaussian
/// window of σ = 1.5 px fits wholly inside the image (no padding), l·c·s = ((2μxμy + C1)(2σxy + C2)) /
/// ((μx² + μy² + C1)(σx² + σy² + C2)) with the window's weighted means, variances and covariance (weights summing
/// to 1, no sample-size correction), C1 = (0.01·L)², C2 = (0.03·L)²; the mean over positions, then over channels.</item>
/// </list>
/// </summary>
public static class ImageQuality
{
    public const int WindowSide = 11;
    public const double WindowSigma = 1.5;
    public const double K1 = 0.01;
    public const double K2 = 0.03;

    /// <summary>The SSIM window: <see cref="WindowSide"/>² Gaussian weights of <see cref="WindowSigma"/>, row-major, summing to 1.</summary>
    public static double[] GaussianWindow { get; } = Gaussian(WindowSide, WindowSigma);

    /// <summary>max − min of the values (0 for none).</summary>
    public static double DataRange(ReadOnlySpan<float> truth)
    {
        if (truth.IsEmpty)
            return 0;
        float min = truth[0], max = truth[0];
        foreach (var v in truth)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return max - (double)min;
    }

    /// <summary>Peak signal-to-noise ratio in dB with data range <paramref name="range"/>.</summary>
    /// <exception cref="ArgumentException">The images differ in length or are empty.</exception>
    public static double Psnr(ReadOnlySpan<float> output, ReadOnlySpan<float> truth, double range)
    {
        CheckLengths(output, truth);
        double squares = 0;
        for (var k = 0; k < truth.Length; k++)
        {
            var d = output[k] - (double)truth[k];
            squares += d * d;
        }

        return 10 * Math.Log10(range * range / (squares / truth.Length));
    }

    /// <summary>PSNR with the truth's own range.</summary>
    /// <exception cref="ArgumentException">The truth is constant (see <see cref="TruthRange"/>).</exception>
    public static double Psnr(ReadOnlySpan<float> output, ReadOnlySpan<float> truth) => Psnr(output, truth, TruthRange(truth));

    /// <summary>The truth's own range, refused where it is zero: a constant truth (a blank scene) has no data range,
    /// and its PSNR and SSIM would be NaN and make the mean of every image of the split NaN without a word.</summary>
    /// <exception cref="ArgumentException">The truth is constant or holds a non-finite value.</exception>
    public static double TruthRange(ReadOnlySpan<float> truth)
    {
        var range = DataRange(truth);
        return range > 0 && double.IsFinite(range)
            ? range
            : throw new ArgumentException($"A truth image with data range {range} (constant, or not finite) has no PSNR or SSIM: they are scored against the truth's own max - min.", nameof(truth));
    }

    /// <summary>SSIM with the Gaussian window and the truth's own range.</summary>
    /// <exception cref="ArgumentException">The truth is constant (see <see cref="TruthRange"/>).</exception>
    public static double Ssim(ReadOnlySpan<float> output, ReadOnlySpan<float> truth, int channels, int side) =>
        Ssim(output, truth, channels, side, TruthRange(truth), GaussianWindow, WindowSide);

    /// <summary>SSIM of two C×side×side images under a <paramref name="windowSide"/>² window of weights summing to 1.</summary>
    /// <exception cref="ArgumentException">The images are not C·side² values, or the window does not fit.</exception>
    public static double Ssim(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int channels, int side, double range, ReadOnlySpan<double> window, int windowSide)
    {
        CheckLengths(x, y);
        if (x.Length != channels * side * side)
            throw new ArgumentException($"A {channels}×{side}×{side} image has {channels * side * side} values; got {x.Length}.", nameof(x));
        if (windowSide < 1 || windowSide > side || window.Length != windowSide * windowSide)
            throw new ArgumentException($"A {windowSide}×{windowSide} window needs {windowSide * windowSide} weights and images at least {windowSide} px a side; got {window.Length} weights and {side} px.", nameof(window));
        var c1 = K1 * range * (K1 * range);
        var c2 = K2 * range * (K2 * range);
        var positions = side - windowSide + 1;
        double total = 0;
        for (var c = 0; c < channels; c++)
        {
            var plane = c * side * side;
            double channelSum = 0;
            for (var top = 0; top < positions; top++)
            {
                for (var left = 0; left < positions; left++)
                {
                    double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                    for (var dy = 0; dy < windowSide; dy++)
                    {
                        var row = plane + ((top + dy) * side) + left;
                        for (var dx = 0; dx < windowSide; dx++)
                        {
                            var w = window[(dy * windowSide) + dx];
                            double a = x[row + dx], b = y[row + dx];
                            mx += w * a;
                            my += w * b;
                            xx += w * a * a;
                            yy += w * b * b;
                            xy += w * a * b;
                        }
                    }

                    var vx = xx - (mx * mx);
                    var vy = yy - (my * my);
                    var cov = xy - (mx * my);
                    channelSum += ((2 * mx * my) + c1) * ((2 * cov) + c2) / (((mx * mx) + (my * my) + c1) * (vx + vy + c2));
                }
            }

            total += channelSum / (positions * positions);
        }

        return total / channels;
    }

    /// <summary>side² weights exp(−r²/2σ²) about the centre, normalised to sum to 1.</summary>
    public static double[] Gaussian(int side, double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        var centre = (side - 1) / 2.0;
        var weights = new double[side * side];
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
                weights[(y * side) + x] = Math.Exp(-(((y - centre) * (y - centre)) + ((x - centre) * (x - centre))) / (2 * sigma * sigma));
        }

        var sum = weights.Sum();
        for (var k = 0; k < weights.Length; k++)
            weights[k] /= sum;
        return weights;
    }

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.IsEmpty)
            throw new ArgumentException($"The images must hold as many values, and some: got {a.Length} and {b.Length}.", nameof(a));
    }
}

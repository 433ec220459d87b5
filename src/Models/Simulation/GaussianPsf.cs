namespace LensSweep.Models.Simulation;

/// <summary>
/// A truncated, normalised Gaussian PSF applied as two 1-D passes (a Gaussian separates exactly), with
/// zero padding at the edges as scipy's convolution in lenstronomy does.
/// </summary>
internal sealed class GaussianPsf
{
    private readonly double[] _kernel;

    public GaussianPsf(double fwhmArcsec, double pixelScale, double truncationSigmas)
    {
        var sigma = fwhmArcsec / (2 * Math.Sqrt(2 * Math.Log(2))) / pixelScale;
        if (sigma <= 0)
        {
            _kernel = [1.0];
            return;
        }

        var radius = (int)Math.Ceiling(truncationSigmas * sigma);
        _kernel = new double[2 * radius + 1];
        var sum = 0.0;
        for (var i = -radius; i <= radius; i++)
        {
            sum += _kernel[i + radius] = Math.Exp(-0.5 * i * i / (sigma * sigma));
        }

        for (var i = 0; i < _kernel.Length; i++)
        {
            _kernel[i] /= sum;
        }
    }

    public int Radius => _kernel.Length / 2;

    /// <summary>Convolves the size×size image in place; <paramref name="scratch"/> holds the intermediate pass.</summary>
    public void Apply(Span<double> image, Span<double> scratch, int size)
    {
        var r = Radius;
        if (r == 0)
        {
            return;
        }

        for (var row = 0; row < size; row++)
        {
            var line = image.Slice(row * size, size);
            var output = scratch.Slice(row * size, size);
            for (var col = 0; col < size; col++)
            {
                var lo = Math.Max(0, col - r);
                var hi = Math.Min(size - 1, col + r);
                var acc = 0.0;
                for (var c = lo; c <= hi; c++)
                {
                    acc += _kernel[c - col + r] * line[c];
                }

                output[col] = acc;
            }
        }

        for (var row = 0; row < size; row++)
        {
            var lo = Math.Max(0, row - r);
            var hi = Math.Min(size - 1, row + r);
            var output = image.Slice(row * size, size);
            output.Clear();
            for (var c = lo; c <= hi; c++)
            {
                var weight = _kernel[c - row + r];
                var source = scratch.Slice(c * size, size);
                for (var col = 0; col < size; col++)
                {
                    output[col] += weight * source[col];
                }
            }
        }
    }
}

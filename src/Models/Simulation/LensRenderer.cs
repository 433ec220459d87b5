namespace LensSweep.Models.Simulation;

/// <summary>
/// Ray-shoots a <see cref="LensScene"/> into a C×H×W image: β = θ − Σα(θ) at every (sub)pixel, the
/// source's surface brightness at β times the subpixel area, lens light at θ, the band's PSF, then noise.
/// </summary>
internal sealed class LensRenderer
{
    private readonly SimulatorOptions _options;
    private readonly int _raysPerSide;
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly GaussianPsf[] _psfs;
    private readonly (SieLens Lens, ExternalShear Shear, double[] Ax, double[] Ay)? _macroCache;

    public LensRenderer(SimulatorOptions options)
    {
        _options = options;
        _raysPerSide = options.ImageSize * options.Supersampling;
        var rays = _raysPerSide * _raysPerSide;
        _x = new double[rays];
        _y = new double[rays];
        var step = options.PixelScale / options.Supersampling;
        var half = options.ImageSize * options.PixelScale / 2;
        for (var row = 0; row < _raysPerSide; row++)
        {
            for (var col = 0; col < _raysPerSide; col++)
            {
                _x[row * _raysPerSide + col] = (col + 0.5) * step - half;
                _y[row * _raysPerSide + col] = (row + 0.5) * step - half;
            }
        }

        _psfs = options.Bands
            .Select(b => new GaussianPsf(b.PsfFwhm ?? options.PsfFwhm, options.PixelScale, options.PsfTruncationSigmas))
            .ToArray();

        // DeepLense fixes the macro lens, so its deflection field (the atan/atanh per ray) is the same for
        // every image: compute it once.
        if (options.EinsteinRadius.IsFixed && options.LensE1.IsFixed && options.LensE2.IsFixed
            && options.ShearGamma1.IsFixed && options.ShearGamma2.IsFixed)
        {
            var lens = new SieLens(options.EinsteinRadius.Min, options.LensE1.Min, options.LensE2.Min);
            var shear = new ExternalShear(options.ShearGamma1.Min, options.ShearGamma2.Min);
            var ax = new double[rays];
            var ay = new double[rays];
            Deflection.AddSie(lens, _x, _y, ax, ay);
            Deflection.AddShear(shear, _x, _y, ax, ay);
            _macroCache = (lens, shear, ax, ay);
        }
    }

    public int Channels => _options.Bands.Count;

    public int PixelsPerChannel => _options.ImageSize * _options.ImageSize;

    /// <summary>Per-thread scratch memory, so rendering allocates nothing per image.</summary>
    public sealed class Buffers(int rays, int pixels)
    {
        public double[] Ax { get; } = new double[rays];
        public double[] Ay { get; } = new double[rays];
        public double[] BetaX { get; } = new double[rays];
        public double[] BetaY { get; } = new double[rays];
        public double[] RayBrightness { get; } = new double[rays];
        public double[] Source { get; } = new double[pixels];
        public double[] LensLight { get; } = new double[pixels];
        public double[] Band { get; } = new double[pixels];
        public double[] Scratch { get; } = new double[pixels];
    }

    public Buffers CreateBuffers() => new(_x.Length, PixelsPerChannel);

    public void Render(LensScene scene, Buffers buffers, Span<float> destination)
    {
        if (destination.Length != Channels * PixelsPerChannel)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; one image needs {Channels * PixelsPerChannel}.", nameof(destination));
        }

        ShootRays(scene, buffers);
        Sersic.Evaluate(scene.Source, buffers.BetaX, buffers.BetaY, buffers.RayBrightness);
        BinToPixels(buffers.RayBrightness, buffers.Source);
        if (scene.LensLight is { } lensLight)
        {
            Sersic.Evaluate(lensLight, _x, _y, buffers.RayBrightness);
            BinToPixels(buffers.RayBrightness, buffers.LensLight);
        }

        var noise = new SeededRandom(scene.NoiseSeed);
        for (var band = 0; band < Channels; band++)
        {
            var options = _options.Bands[band];
            var image = buffers.Band;
            for (var k = 0; k < image.Length; k++)
            {
                image[k] = options.SourceScale * buffers.Source[k];
            }

            if (scene.LensLight is not null)
            {
                for (var k = 0; k < image.Length; k++)
                {
                    image[k] += options.LensLightScale * buffers.LensLight[k];
                }
            }

            _psfs[band].Apply(image, buffers.Scratch, _options.ImageSize);
            if (_options.Noise is { } noiseOptions)
            {
                AddNoise(image, noiseOptions, ref noise);
            }

            var output = destination.Slice(band * PixelsPerChannel, PixelsPerChannel);
            for (var k = 0; k < image.Length; k++)
            {
                output[k] = (float)image[k];
            }
        }
    }

    private void ShootRays(LensScene scene, Buffers buffers)
    {
        if (_macroCache is { } cache && cache.Lens == scene.MainLens && cache.Shear == scene.Shear)
        {
            cache.Ax.CopyTo(buffers.Ax, 0);
            cache.Ay.CopyTo(buffers.Ay, 0);
        }
        else
        {
            Array.Clear(buffers.Ax);
            Array.Clear(buffers.Ay);
            Deflection.AddSie(scene.MainLens, _x, _y, buffers.Ax, buffers.Ay);
            Deflection.AddShear(scene.Shear, _x, _y, buffers.Ax, buffers.Ay);
        }

        if (scene.Substructure.Count > 0)
        {
            Deflection.AddPointMasses(scene.Substructure, _options.PointMassSoftening, _x, _y, buffers.Ax, buffers.Ay);
        }

        for (var k = 0; k < _x.Length; k++)
        {
            buffers.BetaX[k] = _x[k] - buffers.Ax[k];
            buffers.BetaY[k] = _y[k] - buffers.Ay[k];
        }
    }

    /// <summary>Averages each pixel's s×s rays and multiplies by the pixel area (lenstronomy's flux per pixel).</summary>
    private void BinToPixels(ReadOnlySpan<double> rays, Span<double> pixels)
    {
        var s = _options.Supersampling;
        var n = _options.ImageSize;
        var weight = _options.PixelScale * _options.PixelScale / (s * s);
        if (s == 1)
        {
            for (var k = 0; k < pixels.Length; k++)
            {
                pixels[k] = rays[k] * weight;
            }

            return;
        }

        for (var row = 0; row < n; row++)
        {
            for (var col = 0; col < n; col++)
            {
                var sum = 0.0;
                for (var b = 0; b < s; b++)
                {
                    var start = (row * s + b) * _raysPerSide + col * s;
                    for (var a = 0; a < s; a++)
                    {
                        sum += rays[start + a];
                    }
                }

                pixels[row * n + col] = sum * weight;
            }
        }
    }

    /// <summary>Sky + read noise as one Gaussian, shot noise as a Gaussian of the model's variance (LENSING.md §5.7).</summary>
    private void AddNoise(Span<double> image, NoiseOptions noise, ref SeededRandom random)
    {
        var totalTime = noise.ExposureSeconds * noise.Exposures;
        var skyPerPixel = Math.Pow(10, -0.4 * (noise.SkyMagnitude - _options.MagnitudeZeroPoint)) * _options.PixelScale * _options.PixelScale;
        var background = Math.Sqrt(noise.Exposures * noise.ReadNoise * noise.ReadNoise + totalTime * skyPerPixel) / totalTime;
        for (var k = 0; k < image.Length; k++)
        {
            var shot = Math.Sqrt(Math.Max(image[k], 0) * totalTime) / totalTime;
            image[k] += background * random.NextGaussian() + shot * random.NextGaussian();
        }
    }
}

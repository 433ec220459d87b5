namespace LensSweep.Models.Simulation;

/// <summary>lenstronomy's elliptical Sérsic surface brightness (LENSING.md §5.6).</summary>
internal static class Sersic
{
    /// <summary>The Ciotti–Bertin-style linear approximation lenstronomy uses.</summary>
    public static double B(double n) => 1.9992 * n - 0.3271;

    /// <summary>Amplitude (surface brightness at R = Radius) for a total flux, from the profile's integral.</summary>
    public static double AmplitudeForFlux(double flux, double radius, double n)
    {
        var b = B(n);
        var integral = 2 * Math.PI * n * radius * radius * Math.Exp(b) * Math.Pow(b, -2 * n) * Gamma(2 * n);
        return flux / integral;
    }

    /// <summary>Writes the profile's surface brightness at each (x, y) into <paramref name="brightness"/>.</summary>
    public static void Evaluate(SersicProfile p, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> brightness)
    {
        var b = B(p.Index);
        var norm = Math.Sqrt(Math.Abs(1 - p.E1 * p.E1 - p.E2 * p.E2));
        var inverseRadius = 1 / p.Radius;
        var inverseIndex = 1 / p.Index;
        var cutoff2 = 100.0 * 100.0;
        var exponential = p.Index == 1.0;
        for (var k = 0; k < x.Length; k++)
        {
            var dx = x[k] - p.CenterX;
            var dy = y[k] - p.CenterY;
            var xe = ((1 - p.E1) * dx - p.E2 * dy) / norm * inverseRadius;
            var ye = (-p.E2 * dx + (1 + p.E1) * dy) / norm * inverseRadius;
            var r2 = xe * xe + ye * ye;
            if (r2 > cutoff2)
            {
                brightness[k] = 0;
                continue;
            }

            var r = Math.Sqrt(r2);
            // n = 1 (every DeepLense source) skips Pow, the costliest call in the loop.
            var shaped = exponential ? r : Math.Pow(r, inverseIndex);
            brightness[k] = p.Amplitude * Math.Exp(-b * (shaped - 1));
        }
    }

    /// <summary>Γ(z) for z &gt; 0 by the Lanczos approximation (g = 7, 9 terms; ~15 digits).</summary>
    internal static double Gamma(double z)
    {
        if (z < 0.5)
        {
            return Math.PI / (Math.Sin(Math.PI * z) * Gamma(1 - z));
        }

        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7,
        ];
        z -= 1;
        var sum = c[0];
        for (var i = 1; i < c.Length; i++)
        {
            sum += c[i] / (z + i);
        }

        var t = z + 7.5;
        return Math.Sqrt(2 * Math.PI) * Math.Pow(t, z + 0.5) * Math.Exp(-t) * sum;
    }
}

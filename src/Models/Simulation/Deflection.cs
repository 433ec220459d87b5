using System.Numerics;
using System.Runtime.InteropServices;

namespace LensSweep.Models.Simulation;

/// <summary>
/// Reduced deflection fields (arcsec) added into (ax, ay) at ray positions (x, y), following lenstronomy's
/// conventions (LENSING.md §5.2–5.3). Loops run over positions so each profile's setup is paid once.
/// </summary>
internal static class Deflection
{
    /// <summary>lenstronomy's SIE core, small enough to be a singular profile.</summary>
    private const double Core = 1e-10;

    public static void AddSie(SieLens lens, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> ax, Span<double> ay)
    {
        var phi = 0.5 * Math.Atan2(lens.E2, lens.E1);
        var c = Math.Min(Math.Sqrt(lens.E1 * lens.E1 + lens.E2 * lens.E2), 0.9999);
        var q = (1 - c) / (1 + c);
        if (q >= 1)
        {
            // The NIE formulae divide by √(1−q²); this q is round to 1 to eight digits, i.e. an SIS.
            q = 0.99999999;
        }

        var b = lens.EinsteinRadius * Math.Sqrt(q);
        var (sin, cos) = Math.SinCos(phi);
        var root = Math.Sqrt(1 - q * q);
        var scale = b / root;
        var q2 = q * q;
        for (var k = 0; k < x.Length; k++)
        {
            var xr = x[k] * cos + y[k] * sin;
            var yr = -x[k] * sin + y[k] * cos;
            var psi = Math.Sqrt(q2 * (Core * Core + xr * xr) + yr * yr);
            var axr = scale * Math.Atan(root * xr / (psi + Core));
            var ayr = scale * Math.Atanh(root * yr / (psi + q2 * Core));
            ax[k] += axr * cos - ayr * sin;
            ay[k] += axr * sin + ayr * cos;
        }
    }

    public static void AddShear(ExternalShear shear, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> ax, Span<double> ay)
    {
        for (var k = 0; k < x.Length; k++)
        {
            ax[k] += shear.Gamma1 * x[k] + shear.Gamma2 * y[k];
            ay[k] += shear.Gamma2 * x[k] - shear.Gamma1 * y[k];
        }
    }

    /// <summary>
    /// α = θ_E²·(θ − c)/max(|θ − c|, r_soft)². Vectorised: the vortex alone is 100 masses × every ray, the
    /// bulk of an axion image's cost. Lane-wise IEEE arithmetic gives the same bits as the scalar tail.
    /// </summary>
    public static void AddPointMasses(IReadOnlyList<PointMass> masses, double softening, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> ax, Span<double> ay)
    {
        var soft2 = softening * softening;
        var width = Vector<double>.Count;
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
        var vax = MemoryMarshal.Cast<double, Vector<double>>(ax);
        var vay = MemoryMarshal.Cast<double, Vector<double>>(ay);
        var vsoft2 = new Vector<double>(soft2);
        var tail = vx.Length * width;
        foreach (var mass in masses)
        {
            var a = mass.EinsteinRadius * mass.EinsteinRadius;
            var va = new Vector<double>(a);
            var cx = new Vector<double>(mass.X);
            var cy = new Vector<double>(mass.Y);
            for (var k = 0; k < vx.Length; k++)
            {
                var dx = vx[k] - cx;
                var dy = vy[k] - cy;
                var f = va / Vector.Max(dx * dx + dy * dy, vsoft2);
                vax[k] += f * dx;
                vay[k] += f * dy;
            }

            for (var k = tail; k < x.Length; k++)
            {
                var dx = x[k] - mass.X;
                var dy = y[k] - mass.Y;
                var f = a / Math.Max(dx * dx + dy * dy, soft2);
                ax[k] += f * dx;
                ay[k] += f * dy;
            }
        }
    }
}

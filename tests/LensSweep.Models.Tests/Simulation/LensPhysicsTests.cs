using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Simulation;

public sealed class LensPhysicsTests
{
    [Fact]
    public void A_round_SIE_deflects_by_its_Einstein_radius_everywhere()
    {
        double[] x = [1.0, 0, -2.5, 0.3];
        double[] y = [0, 0.7, 1.0, -0.4];
        var ax = new double[4];
        var ay = new double[4];

        Deflection.AddSie(new SieLens(1.2816, 0, 0), x, y, ax, ay);

        for (var k = 0; k < 4; k++)
        {
            Assert.Equal(1.2816, Math.Sqrt(ax[k] * ax[k] + ay[k] * ay[k]), 5);
        }
    }

    [Fact]
    public void A_point_mass_deflects_by_theta_E_squared_over_distance_toward_itself()
    {
        double[] x = [0.5, 0, 0, 0, 0];
        double[] y = [0, 0, 0, 0, 0];
        var ax = new double[5];
        var ay = new double[5];

        Deflection.AddPointMasses([new PointMass(0, 0, 0.1)], 1e-6, x, y, ax, ay);

        Assert.Equal(0.01 / 0.5, ax[0], 12);
        Assert.Equal(0, ay[0]);
    }

    [Fact]
    public void Shear_deflection_is_linear_in_position()
    {
        double[] x = [2.0];
        double[] y = [1.0];
        var ax = new double[1];
        var ay = new double[1];

        Deflection.AddShear(new ExternalShear(0.05, 0.02), x, y, ax, ay);

        Assert.Equal(0.05 * 2 + 0.02 * 1, ax[0], 12);
        Assert.Equal(0.02 * 2 - 0.05 * 1, ay[0], 12);
    }

    [Fact]
    public void Sersic_amplitude_reproduces_the_requested_total_flux()
    {
        const double radius = 0.25, n = 1.0, flux = 39.81;
        var amplitude = Sersic.AmplitudeForFlux(flux, radius, n);
        var profile = new SersicProfile(amplitude, radius, n, 0, 0, 0, 0);
        const int side = 400;
        const double step = 0.01;
        var x = new double[side * side];
        var y = new double[side * side];
        for (var k = 0; k < x.Length; k++)
        {
            x[k] = (k % side - side / 2 + 0.5) * step;
            y[k] = (k / side - side / 2 + 0.5) * step;
        }

        var brightness = new double[x.Length];
        Sersic.Evaluate(profile, x, y, brightness);

        Assert.Equal(flux, brightness.Sum() * step * step, flux * 0.01);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(5.0, 24.0)]
    [InlineData(0.5, 1.7724538509055159)]
    public void Gamma_matches_known_values(double z, double expected)
    {
        Assert.Equal(expected, Sersic.Gamma(z), 10);
    }

    [Fact]
    public void PSF_conserves_flux_away_from_the_edges()
    {
        var psf = new GaussianPsf(0.16, 0.101, 5);
        var image = new double[21 * 21];
        image[10 * 21 + 10] = 1;

        psf.Apply(image, new double[image.Length], 21);

        Assert.Equal(1.0, image.Sum(), 12);
        Assert.True(image[10 * 21 + 10] < 0.5);
    }

    [Fact]
    public void Power_law_masses_stay_within_bounds_and_favour_small_masses()
    {
        var random = new SeededRandom(1);
        var masses = Enumerable.Range(0, 2000).Select(_ => SceneSampler.SamplePowerLaw(1e6, 1e10, -0.9, random.NextDouble())).ToArray();

        Assert.All(masses, m => Assert.InRange(m, 1e6, 1e10));
        // dN/dm ∝ m^-0.9 puts the median near 2.8e8 M☉ (LENSING.md §1.2).
        var median = masses.Order().ElementAt(1000);
        Assert.InRange(median, 1.5e8, 5e8);
    }
}

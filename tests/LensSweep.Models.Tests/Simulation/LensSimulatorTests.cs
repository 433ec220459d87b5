using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Simulation;

public sealed class LensSimulatorTests
{
    /// <summary>Model II geometry at 32 px: the same 6.46" field, so the ring and substructure fit.</summary>
    private static readonly SimulatorOptions Small = SimulatorOptions.ModelII with { ImageSize = 32, PixelScale = 0.202 };

    private static LensSimulator Simulator(SimulatorOptions? options = null) => new(options ?? Small);

    [Fact]
    public void Same_seed_gives_bit_identical_images_on_one_thread_or_many()
    {
        var one = Simulator().Generate(8, seed: 11, maxDegreeOfParallelism: 1);
        var many = Simulator().Generate(8, seed: 11, maxDegreeOfParallelism: 4);

        Assert.Equal(one.Images, many.Images);
        Assert.Equal(one.Labels, many.Labels);
    }

    [Fact]
    public void Different_seeds_give_different_images()
    {
        var a = Simulator().Generate(4, seed: 1);
        var b = Simulator().Generate(4, seed: 2);

        Assert.NotEqual(a.Images, b.Images);
    }

    [Fact]
    public void A_subset_of_classes_draws_the_same_images_of_those_classes()
    {
        var all = Simulator().Generate(3, seed: 5);
        var axionOnly = Simulator().Generate(3, seed: 5, classes: ["axion"]);

        Assert.Equal(all.Images.AsSpan(2 * 3 * 32 * 32).ToArray(), axionOnly.Images);
        Assert.Equal([0, 0, 0], axionOnly.Labels);
    }

    [Fact]
    public void Images_come_class_major_labelled_in_the_requested_order()
    {
        var data = Simulator().Generate(2, seed: 0, classes: ["axion", "no_sub"]);

        Assert.Equal(["axion", "no_sub"], data.ClassNames);
        Assert.Equal([0, 0, 1, 1], data.Labels);
        Assert.Equal((4, 1, 32, 32), (data.Count, data.Channels, data.Height, data.Width));
    }

    [Theory]
    [InlineData("cdm")]
    [InlineData("axion")]
    public void Substructure_changes_the_image_of_the_same_macro_model(string className)
    {
        var simulator = Simulator();
        double residual = 0, flux = 0;
        for (var i = 0; i < 20; i++)
        {
            var scene = simulator.SampleScene(className, seed: 3, index: i);
            var withSubstructure = simulator.Render(scene);
            var smooth = simulator.Render(scene with { Substructure = [] });
            residual += withSubstructure.Zip(smooth, (a, b) => Math.Abs(a - b)).Sum();
            flux += smooth.Sum();
        }

        // Averaged over images, the substructure moves at least 0.5% of the light.
        Assert.True(residual / flux > 0.005, $"mean |residual| / flux = {residual / flux}");
    }

    [Fact]
    public void The_varied_macro_lens_draws_the_lens_and_source_per_image_within_its_ranges()
    {
        var simulator = Simulator(SimulatorOptions.VariedMacroLens with { ImageSize = 32, PixelScale = 0.202 });

        var scenes = Enumerable.Range(0, 40).Select(i => simulator.SampleScene("cdm", seed: 2, index: i)).ToList();

        Assert.All(scenes, s => Assert.InRange(s.MainLens.EinsteinRadius, 0.8, 1.8));
        Assert.All(scenes, s => Assert.InRange(Math.Abs(s.Shear.Gamma1), 0, 0.07));
        Assert.True(scenes.Select(s => s.MainLens.EinsteinRadius).Distinct().Count() == scenes.Count, "every image should draw its own Einstein radius");
        Assert.True(scenes.Select(s => s.Substructure.Count).Distinct().Count() > 1, "the subhalo count should be drawn from a Poisson distribution");
    }

    [Fact]
    public void Model_ii_keeps_the_macro_lens_fixed()
    {
        var scenes = Enumerable.Range(0, 10).Select(i => Simulator().SampleScene("cdm", seed: 2, index: i)).ToList();

        Assert.Single(scenes.Select(s => (s.MainLens, s.Shear)).Distinct());
    }

    [Fact]
    public void No_sub_scenes_carry_no_substructure_and_cdm_and_axion_do()
    {
        var simulator = Simulator();

        Assert.Empty(simulator.SampleScene("no_sub", 0, 0).Substructure);
        Assert.Equal(25, simulator.SampleScene("cdm", 0, 0).Substructure.Count);
        Assert.Equal(100, simulator.SampleScene("axion", 0, 0).Substructure.Count);
    }

    [Fact]
    public void Axion_images_are_fainter_at_the_centre_than_no_sub_images()
    {
        // The vortex always passes through the lens centre and demagnifies the central image, the cue a
        // probe can learn without pairing; source position makes the rest of the image too noisy for this.
        var data = Simulator().Generate(200, seed: 8, classes: ["no_sub", "axion"]);
        double[] CentralFlux(int label) => Enumerable.Range(0, data.Count)
            .Where(i => data.Labels[i] == label)
            .Select(i =>
            {
                var image = data.Image(i);
                double sum = 0;
                for (var y = 13; y < 19; y++)
                {
                    for (var x = 13; x < 19; x++)
                    {
                        sum += image[y * 32 + x];
                    }
                }

                return sum;
            })
            .ToArray();
        static (double Mean, double StandardError) Summary(double[] v)
        {
            var mean = v.Average();
            return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1) / v.Length));
        }

        var smooth = Summary(CentralFlux(0));
        var axion = Summary(CentralFlux(1));

        var combinedError = Math.Sqrt(smooth.StandardError * smooth.StandardError + axion.StandardError * axion.StandardError);
        Assert.True(smooth.Mean - axion.Mean > 4 * combinedError, $"no_sub {smooth}, axion {axion}");
    }

    [Fact]
    public void Vortex_half_length_is_the_length_constant_over_the_axion_mass()
    {
        var scene = Simulator().SampleScene("axion", seed: 2, index: 7);

        var halfLength = scene.Substructure.Max(p => Math.Sqrt(p.X * p.X + p.Y * p.Y));

        Assert.NotNull(scene.AxionMass);
        Assert.InRange(scene.AxionMass.Value, 1e-24, 1e-22);
        Assert.Equal(3e-24 / scene.AxionMass.Value, halfLength, 9);
    }

    [Fact]
    public void Subhalos_sit_in_the_configured_annulus_with_masses_in_range()
    {
        var options = Small.Subhalos;
        var simulator = Simulator();
        var thetaMin = 1.2816 * Math.Sqrt(options.MassMin / 1e12);
        var thetaMax = 1.2816 * Math.Sqrt(options.MassMax / 1e12);

        foreach (var halo in simulator.SampleScene("cdm", seed: 1, index: 0).Substructure)
        {
            Assert.InRange(Math.Sqrt(halo.X * halo.X + halo.Y * halo.Y), 0.25, 2.0);
            Assert.InRange(halo.EinsteinRadius, thetaMin, thetaMax);
        }
    }

    [Fact]
    public void Each_band_is_one_channel_scaled_by_its_source_brightness()
    {
        var options = Small with { Bands = [new BandOptions("g"), new BandOptions("r", SourceScale: 0.5)] };

        var data = new LensSimulator(options).Generate(1, seed: 4, classes: ["cdm"]);

        var g = data.Image(0)[..(32 * 32)].ToArray();
        var r = data.Image(0)[(32 * 32)..].ToArray();
        Assert.Equal(2, data.Channels);
        Assert.Equal(g.Select(v => v * 0.5f), r, (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1, Math.Abs(a)));
    }

    [Fact]
    public void Noise_is_part_of_the_seed()
    {
        var noisy = Small with { Noise = NoiseOptions.EuclidVis };

        var a = new LensSimulator(noisy).Generate(2, seed: 6);
        var b = new LensSimulator(noisy).Generate(2, seed: 6);
        var clean = Simulator().Generate(2, seed: 6);

        Assert.Equal(a.Images, b.Images);
        Assert.NotEqual(clean.Images, a.Images);
    }

    [Fact]
    public void Lens_light_adds_flux_at_the_centre()
    {
        var withLight = Small with { LensLight = new LensLightOptions() };
        var scene = new LensSimulator(withLight).SampleScene("no_sub", 0, 0);

        var lit = new LensSimulator(withLight).Render(scene);
        var dark = new LensSimulator(withLight).Render(scene with { LensLight = null });

        var centre = 16 * 32 + 16;
        Assert.True(lit[centre] > dark[centre] + 1e-3f);
    }

    [Fact]
    public void Varying_macro_parameters_change_the_lens()
    {
        var varied = Small with { EinsteinRadius = new ParameterRange(0.8, 1.8) };
        var simulator = new LensSimulator(varied);

        var radii = Enumerable.Range(0, 5).Select(i => simulator.SampleScene("no_sub", 0, i).MainLens.EinsteinRadius).ToArray();

        Assert.All(radii, r => Assert.InRange(r, 0.8, 1.8));
        Assert.True(radii.Distinct().Count() > 1);
    }

    public static TheoryData<string, SimulatorOptions> InvalidOptions => new()
    {
        { "ImageSize", SimulatorOptions.ModelII with { ImageSize = 2 } },
        { "PixelScale", SimulatorOptions.ModelII with { PixelScale = 0 } },
        { "PixelScale", SimulatorOptions.ModelII with { PixelScale = double.NaN } },
        { "Supersampling", SimulatorOptions.ModelII with { Supersampling = 0 } },
        { "Bands", SimulatorOptions.ModelII with { Bands = [] } },
        { "EinsteinRadius", SimulatorOptions.ModelII with { EinsteinRadius = new ParameterRange(1.5, 1.0) } },
        { "LensE1", SimulatorOptions.ModelII with { LensE1 = ParameterRange.Fixed(0.95) } },
        { "SourceRadius", SimulatorOptions.ModelII with { SourceRadius = ParameterRange.Fixed(0) } },
        { "Subhalos.MassMax", SimulatorOptions.ModelII with { Subhalos = new SubhaloOptions { MassMin = 1e10, MassMax = 1e6 } } },
        { "Vortex.Elements", SimulatorOptions.ModelII with { Vortex = new VortexOptions { Elements = 0 } } },
        { "Noise.Exposures", SimulatorOptions.ModelII with { Noise = new NoiseOptions { Exposures = 0 } } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_rejected_naming_the_option(string name, SimulatorOptions options)
    {
        var error = Assert.Throws<ArgumentException>(() => new LensSimulator(options));

        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void An_unknown_class_is_rejected_with_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => Simulator().Generate(1, 0, ["sphere"]));

        Assert.Contains("no_sub, cdm, axion", error.Message);
    }

    [Fact]
    public void Zero_images_per_class_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Simulator().Generate(0, 0));
    }
}

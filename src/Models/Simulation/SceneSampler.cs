namespace LensSweep.Models.Simulation;

/// <summary>Draws a <see cref="LensScene"/> from the options' ranges and the class's substructure model.</summary>
internal sealed class SceneSampler(SimulatorOptions options)
{
    public LensScene Sample(string className, ref SeededRandom random)
    {
        var lens = new SieLens(options.EinsteinRadius.Sample(ref random), options.LensE1.Sample(ref random), options.LensE2.Sample(ref random));
        var shear = new ExternalShear(options.ShearGamma1.Sample(ref random), options.ShearGamma2.Sample(ref random));
        var source = SampleSource(ref random);
        var lensLight = options.LensLight is { } light ? SampleLensLight(light, ref random) : (SersicProfile?)null;

        IReadOnlyList<PointMass> substructure = [];
        double? axionMass = null;
        switch (className)
        {
            case LensClasses.NoSubstructure:
                break;
            case LensClasses.Cdm:
                substructure = SampleSubhalos(ref random);
                break;
            case LensClasses.Axion:
                (substructure, axionMass) = SampleVortex(ref random);
                break;
            default:
                LensClasses.IdOf(className);
                break;
        }

        return new LensScene(className, lens, shear, source, lensLight, substructure, axionMass, random.NextUInt64());
    }

    private SersicProfile SampleSource(ref SeededRandom random)
    {
        var cx = options.SourceCenter.Sample(ref random);
        var cy = options.SourceCenter.Sample(ref random);
        var magnitude = options.SourceMagnitude.Sample(ref random);
        var n = options.SourceSersicIndex.Sample(ref random);
        var radius = options.SourceRadius.Sample(ref random);
        var e1 = options.SourceE1.Sample(ref random);
        var e2 = options.SourceE2.Sample(ref random);
        return new SersicProfile(Amplitude(magnitude, radius, n), radius, n, e1, e2, cx, cy);
    }

    private SersicProfile SampleLensLight(LensLightOptions light, ref SeededRandom random)
    {
        var magnitude = light.Magnitude.Sample(ref random);
        var n = light.SersicIndex.Sample(ref random);
        var radius = light.Radius.Sample(ref random);
        var e1 = light.E1.Sample(ref random);
        var e2 = light.E2.Sample(ref random);
        return new SersicProfile(Amplitude(magnitude, radius, n), radius, n, e1, e2, 0, 0);
    }

    private double Amplitude(double magnitude, double radius, double n) =>
        Sersic.AmplitudeForFlux(Math.Pow(10, -0.4 * (magnitude - options.MagnitudeZeroPoint)), radius, n);

    private PointMass[] SampleSubhalos(ref SeededRandom random)
    {
        var s = options.Subhalos;
        var count = s.PoissonCount ? random.NextPoisson(s.Count) : s.Count;
        var halos = new PointMass[count];
        for (var i = 0; i < count; i++)
        {
            var mass = SamplePowerLaw(s.MassMin, s.MassMax, s.Slope, random.NextDouble());
            var r = s.Radius.Sample(ref random);
            var (sin, cos) = Math.SinCos(random.Uniform(0, 2 * Math.PI));
            halos[i] = new PointMass(r * cos, r * sin, EinsteinRadius(mass));
        }

        return halos;
    }

    private (PointMass[] Elements, double AxionMass) SampleVortex(ref SeededRandom random)
    {
        var v = options.Vortex;
        var axionMass = Math.Exp(random.Uniform(Math.Log(v.AxionMassMin), Math.Log(v.AxionMassMax)));
        var halfLength = v.LengthConstant / axionMass;
        var (sin, cos) = Math.SinCos(random.Uniform(0, 2 * Math.PI));
        var theta = EinsteinRadius(v.TotalMass / v.Elements);
        var elements = new PointMass[v.Elements];
        for (var k = 0; k < v.Elements; k++)
        {
            var s = v.Elements == 1 ? 0 : -halfLength + 2 * halfLength * k / (v.Elements - 1);
            elements[k] = new PointMass(s * cos, s * sin, theta);
        }

        return (elements, axionMass);
    }

    private double EinsteinRadius(double mass) => options.ReferenceEinsteinRadius * Math.Sqrt(mass / options.ReferenceMass);

    /// <summary>Inverse CDF of dN/dm ∝ m^slope on [lo, hi]; slope −1 is log-uniform.</summary>
    internal static double SamplePowerLaw(double lo, double hi, double slope, double u)
    {
        if (Math.Abs(slope + 1) < 1e-12)
        {
            return lo * Math.Pow(hi / lo, u);
        }

        var p = slope + 1;
        var a = Math.Pow(lo, p);
        return Math.Pow(a + (Math.Pow(hi, p) - a) * u, 1 / p);
    }
}

namespace LensSweep.Models.Simulation;

/// <summary>
/// xoshiro256** seeded through SplitMix64, used by the simulator and the splitter. The simulator gives every image its own generator derived from
/// (seed, class, index), so an image's pixels do not depend on which thread drew it or in what order;
/// System.Random makes no such promise across runtime versions.
/// </summary>
internal struct SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>
    /// An independent generator for item <paramref name="index"/> of stream <paramref name="stream"/>: the simulator
    /// uses the class's canonical id as the stream, so a subset of classes draws the same images.
    /// </summary>
    public static SeededRandom Derive(int seed, int stream, int index)
    {
        var x = (ulong)(uint)seed;
        var key = SplitMix(ref x) ^ ((ulong)(uint)stream << 32 | (uint)index);
        return new SeededRandom(SplitMix(ref key));
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Standard normal by Box–Muller (no cached second value, so every call costs two draws).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Poisson: multiplying uniforms (Knuth) for small means, a rounded normal above 100 where that underflows.</summary>
    public int NextPoisson(double mean)
    {
        if (mean > 100)
        {
            return (int)Math.Max(0, Math.Round(mean + Math.Sqrt(mean) * NextGaussian()));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }

        return k;
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

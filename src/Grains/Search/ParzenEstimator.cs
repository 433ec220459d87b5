namespace LensSweep.Grains.Search;

/// <summary>
/// A one-dimensional Parzen estimator on an interval [low, high] of a (possibly log-transformed) axis: one
/// truncated Gaussian per observation plus a wide prior at the centre (Bergstra et al. 2011; bandwidths as
/// Optuna 3.1's univariate TPE: the larger gap to a sorted neighbour, clipped to
/// [(high − low) / min(100, n + 1), high − low]).
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly double low;
    private readonly double high;
    private readonly double[] mus;
    private readonly double[] sigmas;
    private readonly double[] weights;
    private readonly double[] logMass;

    /// <param name="low">Lower end of the axis (already transformed).</param>
    /// <param name="high">Upper end, above <paramref name="low"/>.</param>
    /// <param name="observations">Transformed values.</param>
    /// <param name="observationWeights">One positive weight per observation.</param>
    /// <param name="priorWeight">Weight of the prior component.</param>
    public ParzenEstimator(double low, double high, IReadOnlyList<double> observations, IReadOnlyList<double> observationWeights, double priorWeight)
    {
        this.low = low;
        this.high = high;
        int n = observations.Count;
        double prior = 0.5 * (low + high);
        double width = high - low;
        mus = [.. observations, prior];
        sigmas = new double[n + 1];

        var order = Enumerable.Range(0, n + 1).OrderBy(i => mus[i]).ThenBy(i => i).ToArray();
        var withEnds = new double[n + 3];
        withEnds[0] = low;
        withEnds[^1] = high;
        for (int i = 0; i <= n; i++)
        {
            withEnds[i + 1] = mus[order[i]];
        }

        for (int i = 0; i <= n; i++)
        {
            // Optuna's consider_endpoints=False: the outermost kernels look inwards only.
            double left = withEnds[i + 1] - withEnds[i];
            double right = withEnds[i + 2] - withEnds[i + 1];
            double sigma = n + 1 >= 2 && i == 0 ? right : n + 1 >= 2 && i == n ? left : Math.Max(left, right);
            sigmas[order[i]] = sigma;
        }

        double minSigma = width / Math.Min(100.0, n + 2);
        for (int i = 0; i < n; i++)
        {
            sigmas[i] = Math.Clamp(sigmas[i], minSigma, width);
        }

        sigmas[n] = width;
        weights = [.. observationWeights, priorWeight];
        double total = weights.Sum();
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] /= total;
        }

        logMass = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            logMass[i] = Math.Log(Math.Max(NormalCdf((high - mus[i]) / sigmas[i]) - NormalCdf((low - mus[i]) / sigmas[i]), 1e-300));
        }
    }

    /// <summary>A draw from the mixture, inside [low, high].</summary>
    public double Sample(Random random)
    {
        int component = Pick(weights, random);
        double mu = mus[component], sigma = sigmas[component];

        // Every kernel's centre lies in the interval and its width is at most the interval's, so at least a
        // third of its mass is inside: rejection ends quickly. The clamp only guards the impossible tail.
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            double x = mu + (sigma * StandardNormal(random));
            if (x >= low && x <= high)
            {
                return x;
            }
        }

        return Math.Clamp(mu, low, high);
    }

    /// <summary>log of the mixture's density at <paramref name="x"/>.</summary>
    public double LogDensity(double x)
    {
        var terms = new double[mus.Length];
        for (int i = 0; i < mus.Length; i++)
        {
            double z = (x - mus[i]) / sigmas[i];
            terms[i] = Math.Log(weights[i]) - (0.5 * z * z) - Math.Log(sigmas[i] * Math.Sqrt(2 * Math.PI)) - logMass[i];
        }

        return LogSumExp(terms);
    }

    /// <summary>log of the mixture's mass on [a, b] (a bin of an integer axis).</summary>
    public double LogMass(double a, double b)
    {
        var terms = new double[mus.Length];
        for (int i = 0; i < mus.Length; i++)
        {
            double mass = NormalCdf((Math.Min(b, high) - mus[i]) / sigmas[i]) - NormalCdf((Math.Max(a, low) - mus[i]) / sigmas[i]);
            terms[i] = Math.Log(weights[i]) + Math.Log(Math.Max(mass, 1e-300)) - logMass[i];
        }

        return LogSumExp(terms);
    }

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/>.</summary>
    public static int Pick(IReadOnlyList<double> weights, Random random)
    {
        double u = random.NextDouble() * weights.Sum();
        for (int i = 0; i < weights.Count; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return i;
            }
        }

        return weights.Count - 1;
    }

    /// <summary>Box–Muller; consumes two uniforms per draw so the stream stays aligned.</summary>
    private static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static double LogSumExp(double[] terms)
    {
        double max = terms.Max();
        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        return max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
    }

    internal static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>The complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7
    /// everywhere, tails included, which the density ratio needs).</summary>
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + (0.5 * z));
        ReadOnlySpan<double> c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        double poly = 0;
        for (int i = c.Length - 1; i >= 0; i--)
        {
            poly = c[i] + (t * poly);
        }

        double r = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? r : 2.0 - r;
    }
}

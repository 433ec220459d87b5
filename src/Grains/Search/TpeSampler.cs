using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Search;

/// <summary>The sampler's constants (<c>"search": { "kind": "tpe", "startup": K }</c> sets the first).</summary>
/// <param name="Startup">Configurations drawn at random until this many have reported.</param>
/// <param name="Candidates">Draws from the good density per hyperparameter, the best ratio kept (Optuna's n_ei_candidates).</param>
/// <param name="PriorWeight">Weight of each estimator's wide prior kernel.</param>
public sealed record TpeOptions(int Startup = TpeOptions.DefaultStartup, int Candidates = 24, double PriorWeight = 1.0)
{
    public const int DefaultStartup = 10;
}

/// <summary>
/// The Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011) over a study's search space, as a
/// pure function: <see cref="Propose"/> depends only on the seed, the trial number and the results passed
/// in, so a sampler rebuilt after a crash proposes exactly what the lost one would have. Each hyperparameter
/// with a choice is sampled on its own (Optuna's default univariate TPE): ranges as a Parzen estimator on
/// their scale (log ranges in log space, integers on unit bins), lists and booleans as weighted categories.
/// </summary>
/// <remarks>
/// Good and bad: results are ranked as Optuna 3.1 ranks pruned trials — a configuration that reached a
/// higher rung beats one stopped lower, and at the same rung the better score wins (NaN last, ties to the
/// lower trial number) — so every result reported so far counts, and under ASHA the rung most trials
/// reached decides among them. The best γ(n) = min(⌈n/10⌉, 25) form the good density l(x), the rest the bad
/// density g(x); each proposal is the draw of <see cref="TpeOptions.Candidates"/> from l with the highest
/// l/g. Older results weigh less once there are more than 25 (Optuna's ramp). Until
/// <see cref="TpeOptions.Startup"/> configurations have reported, proposals are uniform draws, the same
/// way random search draws (<c>Hyperparameter.Sample</c>). A hyperparameter fixed by the spec is never
/// sampled and consumes no randomness.
/// </remarks>
public sealed class TpeSampler
{
    /// <summary>Optuna's default γ caps the good group at this many results.</summary>
    private const int MaxGood = 25;

    /// <summary>Results beyond this many, oldest first, get a linearly rising weight (Optuna's default_weights).</summary>
    private const int FlatWeights = 25;

    private readonly SearchSpace space;
    private readonly TpeOptions options;
    private readonly MetricMode mode;
    private readonly int seed;

    public TpeSampler(SearchSpace space, TpeOptions options, MetricMode mode, int seed)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Startup);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Candidates, 1);
        this.space = space;
        this.options = options;
        this.mode = mode;
        this.seed = seed;
    }

    /// <summary>The configuration for trial <paramref name="trial"/>, given every result reported so far
    /// (any order; duplicates by trial number are not allowed).</summary>
    public TrialConfig Propose(int trial, IReadOnlyList<TrialResult> results)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trial);
        ArgumentNullException.ThrowIfNull(results);
        var random = new Random(TrialSeed(seed, trial));
        var observed = results.Where(r => r.Scores.Count > 0).OrderBy(r => r.Trial).ToList();
        if (observed.Select(r => r.Trial).Distinct().Count() != observed.Count)
        {
            throw new ArgumentException("Each trial may appear once among the results.", nameof(results));
        }

        var config = new TrialConfig();
        if (observed.Count < Math.Max(1, options.Startup))
        {
            foreach (var parameter in Hyperparameters.All)
            {
                config = parameter.Sample(config, space, random);
            }

            return config;
        }

        var (good, bad) = Split(observed);
        foreach (var parameter in Hyperparameters.All)
        {
            config = SampleOne(parameter, config, good, bad, random);
        }

        return config;
    }

    /// <summary>The per-trial generator's seed: a SplitMix64 mix, so neighbouring trials and studies draw unrelated streams.</summary>
    internal static int TrialSeed(int seed, int trial)
    {
        ulong z = ((ulong)(uint)seed << 32) | (uint)trial;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }

    /// <summary>The good results (best γ(n)) and the rest, each in trial order.</summary>
    private (List<TrialResult> Good, List<TrialResult> Bad) Split(List<TrialResult> observed)
    {
        int goodCount = Math.Min((int)Math.Ceiling(0.1 * observed.Count), MaxGood);
        var ranked = observed
            .OrderByDescending(r => r.Scores.Count)
            .ThenBy(r => Key(r.Scores[^1]))
            .ThenBy(r => r.Trial)
            .ToList();
        var good = ranked.Take(goodCount).OrderBy(r => r.Trial).ToList();
        var bad = ranked.Skip(goodCount).OrderBy(r => r.Trial).ToList();
        return (good, bad);
    }

    private double Key(double score) =>
        double.IsNaN(score) ? double.PositiveInfinity : mode == MetricMode.Max ? -score : score;

    private TrialConfig SampleOne(Hyperparameter parameter, TrialConfig config, List<TrialResult> good, List<TrialResult> bad, Random random)
    {
        if (parameter.ListedValues(space) is { } listed)
        {
            if (listed.Count == 1)
            {
                return parameter.WithListed(config, space, 0);
            }

            return parameter.WithListed(config, space, SampleCategory(parameter, listed, good, bad, random));
        }

        var axis = NumericAxis.Of(parameter, space);
        var l = axis.Estimator(good.Select(r => parameter.Read(r.Config)).ToList(), Weights(good.Count), options.PriorWeight);
        var g = axis.Estimator(bad.Select(r => parameter.Read(r.Config)).ToList(), Weights(bad.Count), options.PriorWeight);
        double best = double.NaN, bestRatio = double.NegativeInfinity;
        for (int c = 0; c < options.Candidates; c++)
        {
            double value = axis.FromAxis(l.Sample(random));
            double ratio = axis.LogDensity(l, value) - axis.LogDensity(g, value);
            if (ratio > bestRatio)
            {
                (best, bestRatio) = (value, ratio);
            }
        }

        return parameter.WithSample(config, best);
    }

    private int SampleCategory(Hyperparameter parameter, IReadOnlyList<double> listed, List<TrialResult> good, List<TrialResult> bad, Random random)
    {
        var l = CategoryWeights(parameter, listed, good);
        var g = CategoryWeights(parameter, listed, bad);
        double lTotal = l.Sum(), gTotal = g.Sum();
        int best = 0;
        double bestRatio = double.NegativeInfinity;
        for (int c = 0; c < options.Candidates; c++)
        {
            int index = ParzenEstimator.Pick(l, random);
            double ratio = Math.Log(l[index] / lTotal) - Math.Log(g[index] / gTotal);
            if (ratio > bestRatio)
            {
                (best, bestRatio) = (index, ratio);
            }
        }

        return best;
    }

    /// <summary>Each listed value's weight: the prior spread evenly, plus the weight of each result that took it
    /// (a result whose value is not in the list, from a spec since changed, adds nothing).</summary>
    private double[] CategoryWeights(Hyperparameter parameter, IReadOnlyList<double> listed, List<TrialResult> results)
    {
        var weights = Enumerable.Repeat(options.PriorWeight / listed.Count, listed.Count).ToArray();
        var resultWeights = Weights(results.Count);
        for (int i = 0; i < results.Count; i++)
        {
            double value = parameter.Read(results[i].Config);
            for (int k = 0; k < listed.Count; k++)
            {
                if (listed[k].Equals(value))
                {
                    weights[k] += resultWeights[i];
                    break;
                }
            }
        }

        return weights;
    }

    /// <summary>Optuna's default_weights: equal up to 25 results, then a ramp from 1/n for the oldest.</summary>
    private static double[] Weights(int count)
    {
        var weights = Enumerable.Repeat(1.0, count).ToArray();
        int ramp = count - FlatWeights;
        for (int i = 0; i < ramp; i++)
        {
            weights[i] = ramp == 1 ? 1.0 / count : (1.0 / count) + ((1.0 - (1.0 / count)) * i / (ramp - 1));
        }

        return weights;
    }

    /// <summary>A range as the estimator sees it: log ranges in log space, integer ranges widened by half a
    /// step at each end so every integer owns a bin of equal width.</summary>
    private sealed record NumericAxis(double Low, double High, bool IsLog, bool IsIntegral, double Min, double Max)
    {
        public static NumericAxis Of(Hyperparameter parameter, SearchSpace space)
        {
            var (min, max, scale) = parameter.Range(space)!.Value;
            bool integral = parameter.Type == HyperparameterType.Integer || scale == RangeScale.Int;
            bool log = scale == RangeScale.Log;
            double lo = integral ? Math.Ceiling(min) : min, hi = integral ? Math.Floor(max) : max;
            double low = integral ? lo - 0.5 : lo, high = integral ? hi + 0.5 : hi;
            if (log)
            {
                // An integer log range starts at 1 or more, so its widened lower end stays positive.
                (low, high) = (Math.Log(Math.Max(low, lo / 2)), Math.Log(high));
            }

            return new NumericAxis(low, high, log, integral, lo, hi);
        }

        public ParzenEstimator Estimator(IReadOnlyList<double> values, IReadOnlyList<double> weights, double priorWeight) =>
            new(Low, High, values.Select(ToAxis).ToList(), weights, priorWeight);

        /// <summary>A value of the hyperparameter (a rounded integer for integer axes) from a point on the axis.</summary>
        public double FromAxis(double x)
        {
            double value = IsLog ? Math.Exp(x) : x;
            return IsIntegral ? Math.Clamp(Math.Round(value), Min, Max) : Math.Clamp(value, Min, Max);
        }

        public double LogDensity(ParzenEstimator estimator, double value) => IsIntegral
            ? estimator.LogMass(ToAxis(value - 0.5), ToAxis(value + 0.5))
            : estimator.LogDensity(ToAxis(value));

        private double ToAxis(double value)
        {
            double clamped = IsIntegral ? Math.Clamp(value, Min - 0.5, Max + 0.5) : Math.Clamp(value, Min, Max);
            return IsLog ? Math.Log(Math.Max(clamped, Math.Exp(Low))) : clamped;
        }
    }
}

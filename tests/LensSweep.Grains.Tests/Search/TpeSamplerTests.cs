using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Search;
using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Tests.Search;

public sealed class TpeSamplerTests
{
    /// <summary>Two ranges, one linear and one log, and a categorical list: the surface below peaks inside.</summary>
    private static readonly SearchSpace Space = new()
    {
        MaskRatio = ParameterDomain.Between<double>(0.05, 0.95),
        LearningRate = ParameterDomain.Between<double>(1e-5, 1e-1, RangeScale.Log),
        EmbedDim = ParameterDomain.Of(16, 32, 64, 128),
    };

    /// <summary>Best at mask_ratio 0.8, learning_rate 1e-3, embed_dim 64; smooth elsewhere.</summary>
    private static double Surface(TrialConfig c) =>
        -Math.Pow((c.MaskRatio - 0.8) / 0.9, 2)
        - Math.Pow((Math.Log10(c.LearningRate) + 3) / 4, 2)
        - (c.EmbedDim == 64 ? 0 : 0.05);

    /// <summary>The good region: within a tenth of each range of the optimum and at its embed_dim.</summary>
    private static bool IsGood(TrialConfig c) =>
        Math.Abs(c.MaskRatio - 0.8) < 0.09 && Math.Abs(Math.Log10(c.LearningRate) + 3) < 0.4 && c.EmbedDim == 64;

    private static TpeSampler Sampler(int seed, int startup = 10, MetricMode mode = MetricMode.Max) =>
        new(Space, new TpeOptions(startup), mode, seed);

    /// <summary>A one-slot study of <paramref name="trials"/> proposals, each scored at one rung before the next.</summary>
    private static List<TrialResult> RunSequentially(TpeSampler sampler, int trials, Func<TrialConfig, double> score)
    {
        var results = new List<TrialResult>();
        for (int t = 0; t < trials; t++)
        {
            var config = sampler.Propose(t, results);
            results.Add(new TrialResult(t, config, [score(config)]));
        }

        return results;
    }

    [Fact]
    public void It_lands_in_the_good_region_far_more_often_than_random_search_on_the_same_surface()
    {
        int tpeGood = 0, randomGood = 0;
        for (int seed = 0; seed < 10; seed++)
        {
            tpeGood += RunSequentially(Sampler(seed), 60, Surface).Skip(30).Count(r => IsGood(r.Config));
            randomGood += Space.Expand(new SearchOptions { Kind = SearchKind.Random, Count = 60 }, seed).Skip(30).Count(IsGood);
        }

        // The region holds about 1% of the space (0.2 × 0.2 × 1/4): random search lands ~3 of 300 draws there.
        Assert.True(tpeGood >= 30, $"TPE put {tpeGood} of its 300 later proposals in the good region");
        Assert.True(tpeGood >= 5 * Math.Max(1, randomGood), $"TPE {tpeGood} against random {randomGood} of 300");
    }

    [Fact]
    public void Its_best_score_after_eighty_trials_is_closer_to_the_optimum_than_random_search_s()
    {
        // The surface's optimum is 0: the gap is how far the best trial found stays below it.
        double tpeGap = 0, randomGap = 0;
        for (int seed = 0; seed < 10; seed++)
        {
            tpeGap -= RunSequentially(Sampler(seed), 80, Surface).Max(r => r.Scores[0]);
            randomGap -= Space.Expand(new SearchOptions { Kind = SearchKind.Random, Count = 80 }, seed).Max(Surface);
        }

        Assert.True(tpeGap < 0.7 * randomGap, $"mean gap over 10 seeds: TPE {tpeGap / 10:F4}, random {randomGap / 10:F4}");
    }

    [Fact]
    public void In_min_mode_it_seeks_the_lowest_scores()
    {
        int good = 0;
        for (int seed = 0; seed < 5; seed++)
        {
            good += RunSequentially(Sampler(seed, mode: MetricMode.Min), 60, c => -Surface(c)).Skip(30).Count(r => IsGood(r.Config));
        }

        Assert.True(good >= 15, $"{good} of 150 later proposals in the good region");
    }

    [Fact]
    public void Start_up_proposals_ignore_the_results_reported_so_far()
    {
        var sampler = Sampler(seed: 3, startup: 5);
        var flattering = Enumerable.Range(100, 4)
            .Select(t => new TrialResult(t, new TrialConfig { MaskRatio = 0.1, LearningRate = 1e-5, EmbedDim = 16 }, [1.0]))
            .ToList();

        for (int t = 0; t < 5; t++)
        {
            Assert.Equal(sampler.Propose(t, []), sampler.Propose(t, flattering));
        }
    }

    [Fact]
    public void Start_up_proposals_spread_over_the_whole_space()
    {
        var sampler = Sampler(seed: 1, startup: 1000);
        var proposals = Enumerable.Range(0, 400).Select(t => sampler.Propose(t, [])).ToList();

        // Uniform over [0.05, 0.95] and log-uniform over [1e-5, 1e-1]: each half holds about half the draws.
        Assert.InRange(proposals.Count(c => c.MaskRatio < 0.5), 160, 240);
        Assert.InRange(proposals.Count(c => c.LearningRate < 1e-3), 160, 240);
        Assert.Equal([16, 32, 64, 128], proposals.Select(c => c.EmbedDim).Distinct().Order());
    }

    [Fact]
    public void Once_start_up_is_over_proposals_follow_the_results()
    {
        var sampler = Sampler(seed: 3, startup: 5);
        var results = RunSequentially(sampler, 5, Surface);
        var inverted = results.Select(r => r with { Scores = [-r.Scores[0]] }).ToList();

        Assert.NotEqual(sampler.Propose(5, results), sampler.Propose(5, inverted));
    }

    [Fact]
    public void The_same_seed_and_results_give_the_same_study()
    {
        var first = RunSequentially(Sampler(seed: 11), 30, Surface);
        var second = RunSequentially(Sampler(seed: 11), 30, Surface);
        var other = RunSequentially(Sampler(seed: 12), 30, Surface);

        Assert.Equal(first.Select(r => r.Config), second.Select(r => r.Config));
        Assert.NotEqual(first.Select(r => r.Config), other.Select(r => r.Config));
    }

    [Fact]
    public void A_rebuilt_sampler_proposes_what_the_original_would_have_whatever_order_it_reads_the_results_in()
    {
        var results = RunSequentially(Sampler(seed: 5), 25, Surface);
        var expected = Sampler(seed: 5).Propose(25, results);

        var restored = Sampler(seed: 5);
        var shuffled = results.OrderBy(r => (r.Trial * 7919) % 25).ToList();

        Assert.Equal(expected, restored.Propose(25, shuffled));
    }

    [Fact]
    public void A_configuration_that_reached_a_higher_rung_counts_as_better_than_any_stopped_below()
    {
        // Nine trials stopped at rung 0 with high scores near mask_ratio 0.1; one promoted trial near 0.9 scored
        // lower at rung 1. With ten results the good group is one trial: the promoted one.
        var results = Enumerable.Range(0, 9)
            .Select(t => new TrialResult(t, new TrialConfig { MaskRatio = 0.1 + (0.01 * t), LearningRate = 1e-3, EmbedDim = 64 }, [0.9]))
            .Append(new TrialResult(9, new TrialConfig { MaskRatio = 0.9, LearningRate = 1e-3, EmbedDim = 64 }, [0.5, 0.4]))
            .ToList();
        var sampler = Sampler(seed: 2, startup: 10);

        var proposals = Enumerable.Range(10, 20).Select(t => sampler.Propose(t, results)).ToList();

        Assert.True(proposals.Count(c => c.MaskRatio > 0.5) >= 18, string.Join(", ", proposals.Select(c => c.MaskRatio)));
    }

    [Fact]
    public void Integer_ranges_get_whole_numbers_inside_the_range_and_fixed_hyperparameters_their_value()
    {
        var space = new SearchSpace { Depth = ParameterDomain.Between<int>(1, 6), BatchSize = ParameterDomain.Between<int>(8, 256, RangeScale.Log) };
        var sampler = new TpeSampler(space, new TpeOptions(Startup: 3), MetricMode.Max, seed: 0);
        var results = RunSequentially(sampler, 30, c => -Math.Abs(c.Depth - 4) - Math.Abs(Math.Log2(c.BatchSize) - 5));

        Assert.All(results, r => Assert.InRange(r.Config.Depth, 1, 6));
        Assert.All(results, r => Assert.InRange(r.Config.BatchSize, 8, 256));
        Assert.All(results, r => Assert.Equal(new TrialConfig().MaskRatio, r.Config.MaskRatio));
        Assert.True(results.Skip(15).Count(r => r.Config.Depth == 4) >= 6, string.Join(", ", results.Select(r => r.Config.Depth)));
    }

    [Fact]
    public void Results_without_scores_are_ignored_and_duplicates_refused()
    {
        var sampler = Sampler(seed: 4, startup: 2);
        var one = new TrialResult(0, new TrialConfig { MaskRatio = 0.3, LearningRate = 1e-3, EmbedDim = 32 }, [0.5]);

        Assert.Equal(sampler.Propose(1, [one]), sampler.Propose(1, [one, new TrialResult(7, new TrialConfig(), [])]));
        Assert.Throws<ArgumentException>(() => sampler.Propose(1, [one, one]));
    }

    [Fact]
    public void Trial_seeds_differ_between_neighbouring_trials_and_studies()
    {
        var seeds = new HashSet<int>();
        for (int study = 0; study < 20; study++)
        {
            for (int trial = 0; trial < 50; trial++)
            {
                seeds.Add(TpeSampler.TrialSeed(study, trial));
            }
        }

        Assert.Equal(1000, seeds.Count);
    }
}

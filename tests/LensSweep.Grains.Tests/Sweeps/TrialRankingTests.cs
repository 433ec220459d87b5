using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Sweeps;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class TrialRankingTests
{
    private static IReadOnlyList<int> Ranked(MetricMode mode, params RankingKey[] keys) =>
        TrialRanking.Order(keys, k => k, mode).Select(k => k.Trial).ToList();

    [Fact]
    public void The_higher_score_ranks_first_when_the_metric_is_maximised() =>
        Assert.Equal([1, 0], Ranked(MetricMode.Max, new(0, 0.5, 3), new(1, 0.9, 3)));

    [Fact]
    public void The_lower_score_ranks_first_when_the_metric_is_minimised() =>
        Assert.Equal([0, 1], Ranked(MetricMode.Min, new(0, 0.5, 3), new(1, 0.9, 3)));

    [Theory]
    [InlineData(MetricMode.Max)]
    [InlineData(MetricMode.Min)]
    public void A_trial_without_a_score_ranks_after_every_scored_trial(MetricMode mode) =>
        Assert.Equal([1, 2, 0], Ranked(mode, new(0, double.NaN, 0), new(1, 0.5, 1), new(2, 0.5, 1)));

    [Fact]
    public void On_equal_scores_the_trial_trained_longer_ranks_first() =>
        Assert.Equal([1, 0], Ranked(MetricMode.Max, new(0, 0.7, 3), new(1, 0.7, 9)));

    [Fact]
    public void On_equal_scores_and_epochs_the_lower_trial_number_ranks_first() =>
        Assert.Equal([2, 10], Ranked(MetricMode.Max, new(10, 0.7, 3), new(2, 0.7, 3)));
}

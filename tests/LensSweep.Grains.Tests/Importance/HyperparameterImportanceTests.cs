using LensSweep.Grains.Importance;
using LensSweep.Grains.Scheduling;

namespace LensSweep.Grains.Tests.Importance;

public sealed class HyperparameterImportanceTests
{
    private static readonly ImportanceAxis X = new("x", AxisKind.Continuous);
    private static readonly ImportanceAxis Y = new("y", AxisKind.Continuous);

    /// <summary><paramref name="count"/> trials with uniform random values for each axis (a categorical axis takes codes 0..2), scored at rung 0.</summary>
    private static List<ImportanceTrial> Table(int count, IReadOnlyList<ImportanceAxis> axes, Func<double[], Random, double> score, int seed = 1)
    {
        var random = new Random(seed);
        var trials = new List<ImportanceTrial>();
        for (var i = 0; i < count; i++)
        {
            var values = axes.Select(a => a.Kind switch
            {
                AxisKind.Categorical => random.Next(3),
                AxisKind.Log => Math.Pow(10, -5 + (4 * random.NextDouble())),
                AxisKind.Integer => random.Next(1, 9),
                _ => random.NextDouble(),
            }).ToArray();
            trials.Add(new ImportanceTrial(values, [new ScoreAtRung(0, score(values, random))]));
        }

        return trials;
    }

    private static double Share(ImportanceEstimate estimate, string name) => estimate.Parameters.Single(p => p.Name == name).Share;

    [Fact]
    public void A_score_that_depends_only_on_x_gives_x_almost_all_the_importance()
    {
        var trials = Table(60, [X, Y], (v, r) => Math.Sin(3 * v[0]) + (0.01 * r.NextDouble()));

        var estimate = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max);

        Assert.True(estimate.IsEstimated);
        Assert.True(Share(estimate, "x") > 0.9, $"x {Share(estimate, "x")}");
        Assert.True(Share(estimate, "y") < 0.05, $"y {Share(estimate, "y")}");
        Assert.Equal("x", estimate.Parameters[0].Name);
    }

    [Fact]
    public void A_categorical_axis_that_decides_the_score_is_found()
    {
        var choice = new ImportanceAxis("objective", AxisKind.Categorical);
        var trials = Table(40, [X, choice], (v, r) => (v[1] == 2 ? 1.0 : 0.0) + (0.05 * v[0]) + (0.01 * r.NextDouble()));

        var estimate = HyperparameterImportance.Estimate([X, choice], trials, MetricMode.Max);

        Assert.Equal("objective", estimate.Parameters[0].Name);
        Assert.True(Share(estimate, "objective") > 0.8, $"objective {Share(estimate, "objective")}");
        Assert.Equal(2, estimate.Parameters[0].BestAt);
    }

    [Fact]
    public void A_log_axis_is_split_in_log_space_and_found()
    {
        var rate = new ImportanceAxis("learning_rate", AxisKind.Log);
        var trials = Table(50, [rate, Y], (v, r) => -Math.Abs(Math.Log10(v[0]) + 3) + (0.01 * r.NextDouble()));

        var estimate = HyperparameterImportance.Estimate([rate, Y], trials, MetricMode.Max);

        Assert.True(Share(estimate, "learning_rate") > 0.9, $"learning_rate {Share(estimate, "learning_rate")}");
        Assert.InRange(Math.Log10(estimate.Parameters[0].BestAt), -3.6, -2.4);
    }

    [Fact]
    public void An_axis_every_trial_holds_at_one_value_gets_no_importance()
    {
        var constant = new ImportanceAxis("depth", AxisKind.Integer);
        var trials = Table(30, [X, Y], (v, r) => v[0] + v[1])
            .Select(t => t with { Values = [.. t.Values, 4] })
            .ToList();

        var estimate = HyperparameterImportance.Estimate([X, Y, constant], trials, MetricMode.Max);

        Assert.Equal(0, Share(estimate, "depth"));
        Assert.Equal(4, estimate.Parameters.Single(p => p.Name == "depth").BestAt);
    }

    [Fact]
    public void The_same_trials_give_the_same_numbers()
    {
        var trials = Table(40, [X, Y], (v, r) => v[0] * v[1] + r.NextDouble());

        var first = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max);
        var second = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max);

        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.Interactions, second.Interactions);
    }

    [Fact]
    public void The_order_the_trials_come_in_does_not_change_the_numbers()
    {
        var trials = Table(40, [X, Y], (v, r) => v[0] + (0.5 * v[1]) + (0.1 * r.NextDouble()));

        var forward = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max);
        var backward = HyperparameterImportance.Estimate([X, Y], [.. Enumerable.Reverse(trials)], MetricMode.Max);

        Assert.Equal(forward.Parameters, backward.Parameters);
    }

    [Fact]
    public void Main_effects_and_interactions_add_up_to_the_whole_variance()
    {
        // x·y is mostly an interaction around the centre of the square: main effects cannot explain all of it.
        var trials = Table(80, [X, Y], (v, _) => (v[0] - 0.5) * (v[1] - 0.5));

        var estimate = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max);

        Assert.Equal(1, estimate.Parameters.Sum(p => p.Share) + estimate.Interactions, 9);
        Assert.True(estimate.Interactions > 0.3, $"interactions {estimate.Interactions}");
    }

    [Fact]
    public void Fewer_scored_trials_than_the_minimum_give_a_reason_instead_of_numbers()
    {
        var trials = Table(ImportanceOptions.MinimumTrials - 1, [X, Y], (v, _) => v[0]);

        var estimate = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max);

        Assert.False(estimate.IsEstimated);
        Assert.Empty(estimate.Parameters);
        Assert.Equal($"9 trials have a score at rung 0; hyperparameter importance needs at least {ImportanceOptions.MinimumTrials} (a forest fitted on fewer explains noise)", estimate.Refusal);
    }

    [Fact]
    public void The_best_value_follows_the_mode()
    {
        var trials = Table(40, [X, Y], (v, _) => v[0]);

        var highest = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max).Parameters.Single(p => p.Name == "x");
        var lowest = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Min).Parameters.Single(p => p.Name == "x");

        Assert.Equal(trials.Max(t => t.Values[0]), highest.BestAt);
        Assert.Equal(trials.Min(t => t.Values[0]), lowest.BestAt);
    }

    [Fact]
    public void Scores_are_read_at_the_rung_most_trials_reached()
    {
        // Every trial has rung 0; three promoted ones also have rung 1, where their scores would say y matters.
        var trials = Table(20, [X, Y], (v, _) => v[0])
            .Select((t, i) => i < 3 ? t with { Scores = [.. t.Scores, new ScoreAtRung(1, t.Values[1])] } : t)
            .ToList();

        var estimate = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max);

        Assert.Equal(0, estimate.Rung);
        Assert.Equal(20, estimate.ScoredTrials);
        Assert.Equal("x", estimate.Parameters[0].Name);
    }

    [Fact]
    public void Equal_scores_everywhere_give_every_hyperparameter_zero()
    {
        var trials = Table(20, [X, Y], (_, _) => 0.5);

        var estimate = HyperparameterImportance.Estimate([X, Y], trials, MetricMode.Max);

        Assert.True(estimate.IsEstimated);
        Assert.All(estimate.Parameters, p => Assert.Equal(0, p.Share));
        Assert.Equal(0, estimate.Interactions);
    }
}

using LensSweep.Models.Finetuning;

namespace LensSweep.Models.Tests.Finetuning;

public sealed class DownstreamScoresTests
{
    [Fact]
    public void A_perfect_classifier_has_accuracy_and_auc_one()
    {
        var scores = DownstreamScores.Classification([0.9f, 0.1f, 0.2f, 0.8f, 0.7f, 0.3f, 0.4f, 0.6f], [0, 1, 0, 1], classes: 2);

        Assert.Equal((1.0, 1.0), (scores.Accuracy.Value, scores.MacroAuc.Value));
    }

    [Fact]
    public void The_interval_brackets_the_score()
    {
        var random = new Random(3);
        var labels = Enumerable.Range(0, 60).Select(i => i % 3).ToArray();
        var probabilities = labels.SelectMany(l => Enumerable.Range(0, 3).Select(c => (float)((c == l ? 0.5 : 0) + random.NextDouble()))).ToArray();

        var accuracy = DownstreamScores.Classification(probabilities, labels, classes: 3).Accuracy;

        Assert.InRange(accuracy.Value, accuracy.Low, accuracy.High);
        Assert.True(accuracy.High > accuracy.Low);
    }

    [Fact]
    public void A_roc_curve_runs_from_the_origin_to_one_one()
    {
        var curve = DownstreamScores.RocCurve([0.9, 0.8, 0.3, 0.1], [true, false, true, false]);

        Assert.Equal(new RocPoint(0, 0), curve[0]);
        Assert.Equal(new RocPoint(1, 1), curve[^1]);
        Assert.Equal(new RocPoint(0, 0.5), curve[1]);
    }

    [Fact]
    public void Tied_scores_are_one_point_of_the_curve() =>
        Assert.Equal(2, DownstreamScores.RocCurve([0.5, 0.5, 0.5], [true, false, true]).Count);

    [Fact]
    public void Regression_scores_are_r_squared_and_mean_absolute_error()
    {
        var scores = DownstreamScores.Regression([1, 2, 3, 5], [1, 2, 3, 4]);

        Assert.Equal(0.25, scores.MeanAbsoluteError.Value, 12);
        Assert.Equal(1 - (1 / 5.0), scores.RSquared.Value, 12);
    }
}

using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;

namespace LensSweep.Models.Tests.Evaluation;

public sealed class BootstrapIntervalTests
{
    [Fact]
    public void The_interval_of_a_constant_statistic_is_that_constant() =>
        Assert.Equal((3.0, 3.0), BootstrapInterval.Percentile(10, _ => 3.0, resamples: 200, seed: 1));

    [Fact]
    public void Quantiles_interpolate_between_order_statistics_as_numpy_does()
    {
        // numpy.quantile([1, 2, 3, 4, 5], 0.025) = 1.1, 0.975 → 4.9
        Assert.Equal(1.1, BootstrapInterval.Quantile([1, 2, 3, 4, 5], 0.025), 12);
        Assert.Equal(4.9, BootstrapInterval.Quantile([1, 2, 3, 4, 5], 0.975), 12);
    }

    [Fact]
    public void The_interval_of_a_mean_brackets_it_and_narrows_with_more_rows()
    {
        var random = new Random(5);
        var small = Enumerable.Range(0, 30).Select(_ => random.NextDouble()).ToArray();
        var large = Enumerable.Range(0, 3000).Select(_ => random.NextDouble()).ToArray();

        var (lowSmall, highSmall) = BootstrapInterval.Percentile(small.Length, rows => rows.Average(r => small[r]), seed: 2);
        var (lowLarge, highLarge) = BootstrapInterval.Percentile(large.Length, rows => rows.Average(r => large[r]), seed: 2);

        Assert.InRange(small.Average(), lowSmall, highSmall);
        Assert.True(highLarge - lowLarge < (highSmall - lowSmall) / 4);
    }

    [Fact]
    public void The_same_seed_gives_the_same_interval()
    {
        double[] values = [0.1, 0.5, 0.9, 0.3, 0.7];
        Assert.Equal(
            BootstrapInterval.Percentile(5, rows => rows.Average(r => values[r]), seed: 9),
            BootstrapInterval.Percentile(5, rows => rows.Average(r => values[r]), seed: 9));
    }
}

public sealed class RSquaredTests
{
    [Fact]
    public void A_perfect_prediction_scores_one_and_the_mean_scores_zero()
    {
        double[] truth = [1, 2, 3, 4];
        Assert.Equal(1, RSquared.Of(truth, truth));
        Assert.Equal(0, RSquared.Of(truth, [2.5, 2.5, 2.5, 2.5]), 12);
    }

    [Fact]
    public void R_squared_matches_its_closed_form()
    {
        // SS_res = 0.25 + 0 + 0.25 = 0.5, SS_tot = 2 → 0.75
        Assert.Equal(0.75, RSquared.Of([1, 2, 3], [1.5, 2, 2.5]), 12);
    }

    [Fact]
    public void A_truth_that_does_not_vary_has_no_r_squared() =>
        Assert.True(double.IsNaN(RSquared.Of([2, 2, 2], [1, 2, 3])));
}

public sealed class RidgeRegressionTests
{
    [Fact]
    public void The_dual_solution_predicts_as_the_primal_normal_equations_do()
    {
        // One feature, standardised: x = (−1, 0, 1) (mean 0, sd 1), y = (1, 2, 4) centred (−4/3, −1/3, 5/3).
        // Primal ridge: w = Σxy / (Σx² + λ') with λ' = λ·mean(diag K) = λ·(2/3); at λ = 1: w = 3 / (2 + 2/3) = 1.125.
        float[] train = [-1, 0, 1];
        using var ridge = new RidgeRegression(train, 3, [([2f], 1)], 1);

        var prediction = ridge.Predict([0, 1, 2], [1, 2, 4], [1.0])[0][0][0];

        Assert.Equal((7.0 / 3) + (1.125 * 2), prediction, 9);
    }

    [Fact]
    public void A_truth_known_on_some_rows_is_fitted_as_if_those_rows_were_the_whole_train_split()
    {
        // One feature: standardising scales it uniformly, which the λ scaling cancels, and the fitted rows are centred
        // again, so rows 1..3 of four fit exactly as those three alone do, though the fourth moved the train mean.
        using var some = new RidgeRegression([5, 0, 1, 3], 4, [([2f], 1)], 1);
        using var alone = new RidgeRegression([0, 1, 3], 3, [([2f], 1)], 1);

        var fitted = some.Predict([1, 2, 3], [double.NaN, 1, 2, 4], [1.0])[0][0][0];

        Assert.Equal(alone.Predict([0, 1, 2], [1, 2, 4], [1.0])[0][0][0], fitted, 9);
    }

    [Fact]
    public void A_larger_lambda_shrinks_predictions_towards_the_train_mean()
    {
        float[] train = [-1, 0, 1];
        using var ridge = new RidgeRegression(train, 3, [([2f], 1)], 1);

        var predictions = ridge.Predict([0, 1, 2], [1, 2, 4], [0.01, 1, 100]).Select(p => p[0][0]).ToList();

        Assert.True(predictions[0] > predictions[1] && predictions[1] > predictions[2] && predictions[2] > 7.0 / 3);
    }
}

public sealed class TruthsTests
{
    private static LensDataset Simulated(int perClass) =>
        new LensSweep.Models.Simulation.LensSimulator(LensSweep.Models.Simulation.SimulatorOptions.VariedMacroLens with { ImageSize = 16 }).Generate(perClass, seed: 3);

    [Fact]
    public void The_simulator_records_each_images_truth()
    {
        var simulator = new LensSweep.Models.Simulation.LensSimulator(LensSweep.Models.Simulation.SimulatorOptions.VariedMacroLens with { ImageSize = 16 });
        var data = simulator.Generate(4, seed: 3);

        var scene = simulator.SampleScene(data.ClassNames[1], 3, 2);
        Assert.Equal(scene.MainLens.EinsteinRadius, data.Truths!.Columns[LensTruths.ThetaE][(1 * 4) + 2]);
        Assert.Equal(scene.Substructure.Count, data.Truths.Columns[LensTruths.SubhaloCount][(1 * 4) + 2]);
    }

    [Fact]
    public void Truths_stay_with_their_images_through_the_split()
    {
        var data = Simulated(20);
        var split = DataSplitter.Split(data, 0.2, 0.2, seed: 4);

        foreach (var part in new[] { split.Train, split.Validation, split.Test })
        {
            for (var i = 0; i < part.Count; i++)
            {
                var source = Enumerable.Range(0, data.Count).Single(j => data.Image(j).SequenceEqual(part.Image(i)));
                Assert.Equal(data.Truths!.Columns[LensTruths.SourceX][source], part.Truths!.Columns[LensTruths.SourceX][i]);
            }
        }
    }

    [Fact]
    public void Truths_stay_with_their_images_through_the_pretraining_pool()
    {
        var data = Simulated(6);
        var (labelled, pool) = PretrainingPool.SplitOff(data, 4);
        var joined = PretrainingPool.Join(labelled, pool);

        Assert.Equal(data.Count, joined.Truths!.Columns[LensTruths.ThetaE].Length);
        Assert.Equal(data.Truths!.Columns[LensTruths.ThetaE][4], pool.Truths!.Columns[LensTruths.ThetaE][0]);
    }
}

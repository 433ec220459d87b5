using LensSweep.Models.Mae;
using LensSweep.Models.Probing;

namespace LensSweep.Models.Tests.Probing;

public sealed class LinearProbeTests
{
    private static readonly ProbeConfig Config = new();

    [Fact]
    public void Probe_separates_linearly_separable_classes()
    {
        var train = Clusters(perClass: 40, seed: 1);
        var test = Clusters(perClass: 20, seed: 2);
        var score = LinearProbe.Evaluate(train, test, Config);
        Assert.Equal(1.0, score.Accuracy);
        Assert.Equal(1.0, score.MacroRocAuc);
    }

    [Fact]
    public void Probe_on_label_free_noise_stays_near_chance()
    {
        var train = Clusters(perClass: 40, seed: 1, separation: 0);
        var test = Clusters(perClass: 40, seed: 2, separation: 0);
        var score = LinearProbe.Evaluate(train, test, Config);
        Assert.InRange(score.MacroRocAuc, 0.3, 0.7);
    }

    [Fact]
    public void Constant_features_do_not_break_standardisation()
    {
        var train = Clusters(perClass: 10, seed: 1);
        var constant = train with { Values = train.Values.Select((v, i) => i % train.Dimension == 0 ? 5f : v).ToArray() };
        var score = LinearProbe.Evaluate(constant, constant, Config);
        Assert.True(double.IsFinite(score.MacroRocAuc));
        Assert.Equal(1.0, score.Accuracy);
    }

    [Fact]
    public void Features_of_another_width_are_rejected()
    {
        var fitted = LinearProbe.Fit(Clusters(perClass: 5, seed: 1), Config);
        var wide = new FeatureSet(new float[3 * 7], [0, 1, 2], 3, 7, 3);
        var error = Assert.Throws<ArgumentException>(() => fitted.Score(wide));
        Assert.Contains("fitted on 4 features", error.Message);
    }

    [Fact]
    public void Encoder_features_have_one_embedding_per_image()
    {
        var data = TinyModels.Dataset(perClass: 3, seed: 4);
        using var model = new MaeModel(TinyModels.Config, seed: 0);
        var features = ProbeFeatures.FromEncoder(model, data, Config with { FeatureBatchSize = 4 });
        Assert.Equal((9, 32), (features.Count, features.Dimension));
        Assert.All(features.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Invalid_probe_config_is_rejected_with_every_problem()
    {
        var problems = (Config with { Iterations = 0, L2 = -1 }).Validate();
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Encoder_features_of_several_layers_are_one_embedding_per_layer_per_image()
    {
        var data = TinyModels.Dataset(perClass: 3, seed: 4);
        using var model = new MaeModel(TinyModels.Config with { Depth = 2 }, seed: 0);
        var features = ProbeFeatures.FromEncoder(model, data, Config with { EncoderLayers = [0, 1, 2], FeatureBatchSize = 4 });
        Assert.Equal((9, 3 * 32), (features.Count, features.Dimension));
    }

    [Theory]
    [InlineData(new int[0], "at least one layer")]
    [InlineData(new[] { -1 }, "got -1")]
    [InlineData(new[] { 0, 0 }, "repeat")]
    public void Encoder_layers_that_cannot_exist_are_a_config_problem(int[] layers, string expected)
    {
        var problem = Assert.Single((Config with { EncoderLayers = layers }).Validate());
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Features_averaged_over_the_last_two_blocks_are_the_mean_of_those_blocks_pooled_tokens()
    {
        var data = TinyModels.Dataset(perClass: 2, seed: 4);
        using var model = new MaeModel(TinyModels.Config with { Depth = 3 }, seed: 0);
        var both = ProbeFeatures.FromEncoder(model, data, Config with { EncoderLayers = [2, 3] });

        var averaged = ProbeFeatures.FromEncoder(model, data, Config with { LastLayers = 2 });

        Assert.Equal(32, averaged.Dimension);
        for (var i = 0; i < data.Count; i++)
        {
            for (var d = 0; d < 32; d++)
            {
                var expected = (both.Values[(i * 64) + d] + both.Values[(i * 64) + 32 + d]) / 2;
                Assert.Equal(expected, averaged.Values[(i * 32) + d], 5);
            }
        }
    }

    [Fact]
    public void The_last_layer_alone_gives_the_same_features_as_the_default()
    {
        var data = TinyModels.Dataset(perClass: 2, seed: 4);
        using var model = new MaeModel(TinyModels.Config with { Depth = 2 }, seed: 0);

        var last = ProbeFeatures.FromEncoder(model, data, Config with { EncoderLayers = [2] });

        Assert.Equal(last.Values, ProbeFeatures.FromEncoder(model, data, Config).Values);
    }

    [Fact]
    public void Averaging_more_blocks_than_the_encoder_has_is_a_problem_with_the_encoder()
    {
        var problem = Assert.Single((Config with { LastLayers = 3 }).ProblemsWith(TinyModels.Config with { Depth = 2 }));

        Assert.Equal(["LastLayers", "Depth"], problem.Settings);
    }

    [Fact]
    public void Averaging_the_last_blocks_and_naming_layers_at_once_is_refused()
    {
        var problem = Assert.Single((Config with { LastLayers = 2, EncoderLayers = [1] }).Validate());

        Assert.Contains("set one of them", problem);
    }

    [Theory]
    [InlineData(8, 4, 4)]
    [InlineData(8, 3, 2)]
    [InlineData(4, 4, 4)]
    [InlineData(16, 4, 2)]
    public void A_region_grid_is_fitted_to_the_largest_divisor_of_the_patch_grid(int patchSize, int grid, int fitted)
    {
        Assert.Equal(fitted, ProbeConfig.FittedRegionGrid(TinyModels.Config with { PatchSize = patchSize }, grid));
    }

    /// <summary>Three Gaussian clusters in 4-D, centred at separation·e_k.</summary>
    private static FeatureSet Clusters(int perClass, int seed, double separation = 6)
    {
        var random = new Random(seed);
        const int dimension = 4, classes = 3;
        var count = perClass * classes;
        var values = new float[count * dimension];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            labels[n] = n % classes;
            for (var d = 0; d < dimension; d++)
            {
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                values[n * dimension + d] = (float)(gaussian + (d == labels[n] ? separation : 0));
            }
        }

        return new FeatureSet(values, labels, count, dimension, classes);
    }
}

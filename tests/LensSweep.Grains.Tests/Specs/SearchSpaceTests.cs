using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Tests.Specs;

public sealed class SearchSpaceTests
{
    private static readonly SearchOptions Grid = new() { Kind = SearchKind.Grid };

    private static SearchOptions Random(int count) => new() { Kind = SearchKind.Random, Count = count };

    [Fact]
    public void Grid_is_the_cartesian_product_with_the_last_hyperparameter_varying_fastest()
    {
        var space = new SearchSpace { MaskRatio = ParameterDomain.Of(0.5, 0.75), PatchSize = ParameterDomain.Of(8, 16) }.WithChoices("loss", "mse_norm_pix", "mse");

        var trials = space.Expand(Grid, seed: 0);

        Assert.Equal(
            [(0.5, 8, "mse_norm_pix"), (0.5, 8, "mse"), (0.5, 16, "mse_norm_pix"), (0.5, 16, "mse"), (0.75, 8, "mse_norm_pix"), (0.75, 8, "mse"), (0.75, 16, "mse_norm_pix"), (0.75, 16, "mse")],
            trials.Select(t => (t.MaskRatio, t.PatchSize, Hyperparameters.Loss.Format(t))));
    }

    [Fact]
    public void Grid_size_is_the_product_of_list_lengths()
    {
        var space = new SearchSpace { MaskRatio = ParameterDomain.Of(0.5, 0.6, 0.7), EmbedDim = ParameterDomain.Of(32, 64), Depth = ParameterDomain.Of(1, 2) };

        Assert.Equal(12, space.GridSize());
        Assert.Equal(12, space.Expand(Grid, 0).Count);
    }

    [Fact]
    public void Omitted_hyperparameters_keep_the_model_defaults()
    {
        var trial = Assert.Single(new SearchSpace().Expand(Grid, 0));

        Assert.Equal(new TrialConfig(), trial);
    }

    [Fact]
    public void Random_search_is_deterministic_for_a_seed()
    {
        var space = new SearchSpace { MaskRatio = ParameterDomain.Between<double>(0.4, 0.9), LearningRate = ParameterDomain.Between<double>(1e-4, 1e-2, RangeScale.Log) };

        Assert.Equal(space.Expand(Random(20), seed: 7), space.Expand(Random(20), seed: 7));
        Assert.NotEqual(space.Expand(Random(20), seed: 7), space.Expand(Random(20), seed: 8));
    }

    [Fact]
    public void Random_samples_stay_inside_their_ranges_and_integer_ranges_give_integers()
    {
        var space = new SearchSpace
        {
            MaskRatio = ParameterDomain.Between<double>(0.4, 0.9),
            LearningRate = ParameterDomain.Between<double>(1e-4, 1e-2, RangeScale.Log),
            Depth = ParameterDomain.Between<int>(1, 3, RangeScale.Int),
            BatchSize = ParameterDomain.Between<int>(16, 256, RangeScale.Log),
            PatchSize = ParameterDomain.Of(4, 8, 16),
        };

        var trials = space.Expand(Random(500), seed: 1);

        Assert.All(trials, t => Assert.InRange(t.MaskRatio, 0.4, 0.9));
        Assert.All(trials, t => Assert.InRange(t.LearningRate, 1e-4, 1e-2));
        Assert.All(trials, t => Assert.InRange(t.BatchSize, 16, 256));
        Assert.Equal([1, 2, 3], trials.Select(t => t.Depth).Distinct().Order());
        Assert.Equal([4, 8, 16], trials.Select(t => t.PatchSize).Distinct().Order());
    }

    [Fact]
    public void Log_scale_samples_spread_evenly_over_decades()
    {
        var space = new SearchSpace { LearningRate = ParameterDomain.Between<double>(1e-4, 1e-2, RangeScale.Log) };

        var belowGeometricMid = space.Expand(Random(1000), seed: 3).Count(t => t.LearningRate < 1e-3);

        Assert.InRange(belowGeometricMid, 400, 600);
    }

    [Fact]
    public void Fixing_a_hyperparameter_does_not_shift_the_samples_of_the_others()
    {
        var space = new SearchSpace { MaskRatio = ParameterDomain.Between<double>(0.4, 0.9) };
        var withFixed = space with { EmbedDim = ParameterDomain.Fixed(32), Depth = ParameterDomain.Fixed(1) };

        Assert.Equal(
            space.Expand(Random(10), 5).Select(t => t.MaskRatio),
            withFixed.Expand(Random(10), 5).Select(t => t.MaskRatio));
    }

    [Fact]
    public void Grid_with_a_range_refuses_to_expand()
    {
        var space = new SearchSpace { MaskRatio = ParameterDomain.Between<double>(0.4, 0.9) };

        var error = Assert.Throws<ArgumentException>(() => space.Expand(Grid, 0));
        Assert.Contains("ranges are for random search", error.Message);
    }

    [Fact]
    public void Trial_maps_onto_model_and_optimiser_configs()
    {
        var trial = new TrialConfig { MaskRatio = 0.6, PatchSize = 4, EmbedDim = 48, Heads = 3, DecoderDim = 24, LearningRate = 1e-3, BatchSize = 16 };

        var model = trial.ToMaeConfig(imageSize: 32, channels: 5);
        var optimizer = trial.ToOptimizerConfig(maxEpochs: 27);

        Assert.Equal((32, 5, 4, 48, 3, 24, 0.6), (model.ImageSize, model.Channels, model.PatchSize, model.EmbedDim, model.Heads, model.DecoderEmbedDim, model.MaskRatio));
        Assert.Equal((1e-3, 16, 27), (optimizer.LearningRate, optimizer.BatchSize, optimizer.TotalEpochs));
    }

    [Fact]
    public void Trial_describes_itself_by_spec_names()
    {
        var trial = new TrialConfig { MaskRatio = 0.6, PatchSize = 4 };

        Assert.StartsWith("mask_ratio=0.6 patch_size=4 embed_dim=128", trial.ToString());
        Assert.Equal(("patch_size", 4.0), (trial.ToParameters()[1].Name, trial.ToParameters()[1].Value));
    }
}

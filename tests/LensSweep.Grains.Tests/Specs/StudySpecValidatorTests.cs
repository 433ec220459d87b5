using LensSweep.Grains.Specs;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Tests.Specs;

public sealed class StudySpecValidatorTests
{
    private static StudySpec Valid => SpecTestData.Valid();

    private static SpecProblem Single(StudySpec spec)
    {
        var problems = StudySpecValidator.Validate(spec);
        return Assert.Single(problems);
    }

    [Fact]
    public void Valid_spec_has_no_problems() => Assert.Empty(StudySpecValidator.Validate(Valid));

    [Fact]
    public void Patch_size_not_dividing_the_image_is_reported_for_every_such_grid_value()
    {
        var spec = Valid with { SearchSpace = Valid.SearchSpace with { PatchSize = ParameterDomain.Of(8, 12, 5) } };

        var problems = StudySpecValidator.Validate(spec);

        Assert.Equal(["patch_size=12, image_size=32", "patch_size=5, image_size=32"], problems.Select(p => p.Value));
        Assert.All(problems, p => Assert.Equal("search_space.patch_size", p.Field));
        Assert.Equal(["patch_size 12 does not divide image_size 32", "patch_size 5 does not divide image_size 32"], problems.Select(p => p.Rule));
    }

    [Fact]
    public void Heads_not_dividing_embed_dim_is_reported_for_each_combination_that_occurs()
    {
        var spec = Valid with { SearchSpace = Valid.SearchSpace with { Heads = ParameterDomain.Of(2, 3), EmbedDim = ParameterDomain.Of(32, 48) } };

        var problem = Single(spec);

        Assert.Equal("search_space.heads", problem.Field);
        Assert.Equal("heads=3, embed_dim=32", problem.Value);
        Assert.Equal("heads 3 does not divide embed_dim 32", problem.Rule);
    }

    [Fact]
    public void Decoder_heads_not_dividing_decoder_dim_is_reported()
    {
        var spec = Valid with { SearchSpace = Valid.SearchSpace with { DecoderHeads = ParameterDomain.Fixed(3) } };

        var problem = Single(spec);

        Assert.Equal("search_space.decoder_heads", problem.Field);
        Assert.Equal("decoder_heads=3, decoder_dim=32", problem.Value);
    }

    [Fact]
    public void Every_configuration_random_search_draws_is_checked_against_the_model_rules()
    {
        var spec = Valid with
        {
            Search = new() { Kind = SearchKind.Random, Count = 6 },
            SearchSpace = Valid.SearchSpace with { EmbedDim = ParameterDomain.Between<int>(33, 35, RangeScale.Int) },
        };
        var drawn = spec.ExpandTrials().Select(t => t.EmbedDim).Distinct().Order().ToList();

        var problems = StudySpecValidator.Validate(spec).Where(p => p.Rule.Contains("multiple of 4", StringComparison.Ordinal)).ToList();

        Assert.Equal(drawn.Select(d => $"embed_dim={d}"), problems.Select(p => p.Value).Order(StringComparer.Ordinal));
        Assert.All(problems, p => Assert.Equal("search_space.embed_dim", p.Field));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    [InlineData(1.5)]
    public void Mask_ratio_outside_zero_one_is_reported(double ratio)
    {
        var spec = Valid with { SearchSpace = Valid.SearchSpace with { MaskRatio = ParameterDomain.Of(0.5, ratio) } };

        var problem = Single(spec);

        Assert.Equal("search_space.mask_ratio", problem.Field);
        Assert.Equal("must be strictly between 0 and 1", problem.Rule);
    }

    [Fact]
    public void Mask_ratio_range_reaching_past_one_is_reported_with_the_bound()
    {
        var spec = Valid with
        {
            Search = new() { Kind = SearchKind.Random, Count = 4 },
            SearchSpace = Valid.SearchSpace with { MaskRatio = ParameterDomain.Between<double>(0.5, 1.2) },
        };

        var problem = Single(spec);

        Assert.Equal(("search_space.mask_ratio", "1.2"), (problem.Field, problem.Value));
    }

    [Fact]
    public void Mask_ratio_that_leaves_no_visible_patch_is_reported()
    {
        var spec = Valid with { SearchSpace = Valid.SearchSpace with { MaskRatio = ParameterDomain.Fixed(0.9), PatchSize = ParameterDomain.Fixed(16) } };

        var problem = Single(spec);

        Assert.Equal("search_space.mask_ratio", problem.Field);
        Assert.Equal("mask_ratio=0.9, patch_size=16", problem.Value);
        Assert.Equal("mask_ratio 0.9 over 4 patches keeps 0; at least one patch must be kept and one masked", problem.Rule);
    }

    [Fact]
    public void A_mask_ratio_that_floors_to_one_visible_patch_is_accepted()
    {
        // 4 patches at 0.75 keep floor(1.0) = 1: the model trains it, so the spec check must not refuse it
        // (0.8 keeps floor(0.8) = 0 since the kept count floors as upstream MAE, and is refused).
        var spec = Valid with { SearchSpace = Valid.SearchSpace with { MaskRatio = ParameterDomain.Fixed(0.75), PatchSize = ParameterDomain.Fixed(16) } };

        Assert.Empty(StudySpecValidator.Validate(spec));
    }

    [Fact]
    public void Eta_below_two_is_reported()
    {
        var problem = Single(Valid with { Scheduler = Valid.Scheduler with { Eta = 1 } });

        Assert.Equal(("scheduler.eta", "1"), (problem.Field, problem.Value));
        Assert.StartsWith("must be at least 2", problem.Rule);
    }

    [Fact]
    public void Min_epochs_above_max_epochs_is_reported()
    {
        var problem = Single(Valid with { Scheduler = Valid.Scheduler with { MinEpochs = 5, MaxEpochs = 4 } });

        Assert.Equal(("scheduler.min_epochs", "5"), (problem.Field, problem.Value));
        Assert.StartsWith("must not exceed max_epochs (4)", problem.Rule);
    }

    [Fact]
    public void Min_epochs_below_one_is_reported()
    {
        var problem = Single(Valid with { Scheduler = Valid.Scheduler with { MinEpochs = 0 } });

        Assert.Equal(("scheduler.min_epochs", "0", "must be at least 1"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Max_epochs_below_one_is_reported_for_the_full_budget_scheduler()
    {
        var problem = Single(Valid with { Scheduler = new() { Kind = SchedulerKind.None, MaxEpochs = 0 } });

        Assert.Equal(("scheduler.max_epochs", "0", "must be at least 1"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Empty_grid_list_is_reported()
    {
        var problem = Single(Valid with { SearchSpace = Valid.SearchSpace with { Depth = ParameterDomain.Of<int>() } });

        Assert.Equal(("search_space.depth", "[]", "empty list: give at least one value"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Grid_too_large_to_run_is_reported()
    {
        int[] six = [1, 2, 3, 4, 5, 6];
        var spec = Valid with
        {
            SearchSpace = Valid.SearchSpace with
            {
                Depth = ParameterDomain.Of(six), DecoderDepth = ParameterDomain.Of(six), WarmupEpochs = ParameterDomain.Of(six),
                BatchSize = ParameterDomain.Of(six), LearningRate = ParameterDomain.Of(1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4),
                WeightDecay = ParameterDomain.Of(0.0, 0.01, 0.02, 0.03, 0.04, 0.05),
            },
        };

        var problem = Single(spec);

        Assert.Equal("search_space", problem.Field);
        Assert.Equal("373248 configurations", problem.Value);
        Assert.StartsWith("the grid is too large to run (at most 100000)", problem.Rule);
    }

    [Fact]
    public void Random_count_below_one_is_reported()
    {
        var problem = Single(Valid with { Search = new() { Kind = SearchKind.Random, Count = 0 } });

        Assert.Equal(("search.count", "0", "must be at least 1"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Range_under_grid_search_is_reported()
    {
        var problem = Single(Valid with { SearchSpace = Valid.SearchSpace with { LearningRate = ParameterDomain.Between<double>(1e-4, 1e-2, RangeScale.Log) } });

        Assert.Equal("search_space.learning_rate", problem.Field);
        Assert.StartsWith("a range needs random or tpe search", problem.Rule);
    }

    [Fact]
    public void Log_range_with_non_positive_min_is_reported()
    {
        var spec = Valid with
        {
            Search = new() { Kind = SearchKind.Random, Count = 3 },
            SearchSpace = Valid.SearchSpace with { WeightDecay = ParameterDomain.Between<double>(0, 0.1, RangeScale.Log) },
        };

        var problem = Single(spec);

        Assert.Equal(("search_space.weight_decay", "a log scale needs min > 0"), (problem.Field, problem.Rule));
    }

    [Fact]
    public void Range_with_min_above_max_is_reported()
    {
        var spec = Valid with
        {
            Search = new() { Kind = SearchKind.Random, Count = 3 },
            SearchSpace = Valid.SearchSpace with { LearningRate = ParameterDomain.Between<double>(1e-2, 1e-4) },
        };

        var problem = Single(spec);

        Assert.Equal(("search_space.learning_rate", "min must not exceed max"), (problem.Field, problem.Rule));
    }

    [Fact]
    public void Range_over_a_named_choice_is_reported()
    {
        var spec = Valid with
        {
            Search = new() { Kind = SearchKind.Random, Count = 3 },
            SearchSpace = Hyperparameters.Loss.WithDomain(Valid.SearchSpace, 0, 1, RangeScale.Uniform),
        };

        var problem = Single(spec);

        Assert.Equal("search_space.loss", problem.Field);
        Assert.StartsWith("takes names (mse, mse_norm_pix, l1, bce)", problem.Rule);
    }

    [Theory]
    [InlineData(DatasetKind.DeepLense, "deeplense")]
    [InlineData(DatasetKind.Lsst, "lsst")]
    public void Missing_dataset_path_for_a_folder_dataset_is_reported(DatasetKind kind, string name)
    {
        var problem = Single(Valid with { Dataset = Valid.Dataset with { Kind = kind, Path = null } });

        Assert.Equal("dataset.path", problem.Field);
        Assert.StartsWith($"required for dataset kind '{name}'", problem.Rule);
    }

    [Fact]
    public void Zero_image_size_is_reported()
    {
        var problem = Single(Valid with { Dataset = Valid.Dataset with { ImageSize = 0 } });

        Assert.Equal(("dataset.image_size", "0", "must be at least 1"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Zero_images_per_class_is_reported()
    {
        var problem = Single(Valid with { Dataset = Valid.Dataset with { ImagesPerClass = 0 } });

        Assert.Equal(("dataset.images_per_class", "0", "must be at least 1"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Negative_model_sizes_are_reported_per_field()
    {
        var spec = Valid with
        {
            SearchSpace = Valid.SearchSpace with
            {
                Depth = ParameterDomain.Fixed(0),
                DecoderDepth = ParameterDomain.Fixed(-1),
                BatchSize = ParameterDomain.Fixed(0),
            },
        };

        var problems = StudySpecValidator.Validate(spec);

        Assert.Equal(
            ["search_space.depth", "search_space.decoder_depth", "search_space.batch_size"],
            problems.Select(p => p.Field));
        Assert.All(problems, p => Assert.Equal("must be at least 1", p.Rule));
    }

    [Fact]
    public void Non_positive_learning_rate_is_reported()
    {
        var problem = Single(Valid with { SearchSpace = Valid.SearchSpace with { LearningRate = ParameterDomain.Fixed(0.0) } });

        Assert.Equal(("search_space.learning_rate", "0", "must be positive"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Max_concurrent_trials_below_one_is_reported()
    {
        var problem = Single(Valid with { MaxConcurrentTrials = 0 });

        Assert.Equal(("max_concurrent_trials", "0", "must be at least 1"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Fractions_leaving_nothing_to_train_on_are_reported()
    {
        var problem = Single(Valid with { Dataset = Valid.Dataset with { ValidationFraction = 0.5, TestFraction = 0.5 } });

        Assert.Equal("dataset.test_fraction", problem.Field);
        Assert.StartsWith("validation_fraction + test_fraction must be below 1", problem.Rule);
    }

    [Fact]
    public void Study_name_that_cannot_be_an_id_is_reported()
    {
        var problem = Single(Valid with { Name = "my study/1" });

        Assert.Equal(("name", "my study/1"), (problem.Field, problem.Value));
    }

    [Fact]
    public void Probe_settings_out_of_range_are_reported()
    {
        var problems = StudySpecValidator.Validate(Valid with { Probe = new() { Epochs = 0, L2 = -1 } });

        Assert.Equal(["probe.epochs", "probe.l2"], problems.Select(p => p.Field));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var spec = Valid with
        {
            MaxConcurrentTrials = 0,
            Scheduler = Valid.Scheduler with { Eta = 1 },
            SearchSpace = Valid.SearchSpace with { PatchSize = ParameterDomain.Fixed(7) },
        };

        var fields = StudySpecValidator.Validate(spec).Select(p => p.Field).ToHashSet();

        Assert.Equal(new HashSet<string> { "max_concurrent_trials", "scheduler.eta", "search_space.patch_size" }, fields);
    }
}

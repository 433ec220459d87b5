using LensSweep.Grains.Specs;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Tests.Specs;

/// <summary>Specs that used to pass validation and then fail every trial at run time (issue 10 §1):
/// each is now refused up front, naming its field.</summary>
public sealed class ConfigurationChecksTests
{
    private static StudySpec Valid => SpecTestData.Valid();

    private static SpecProblem Single(StudySpec spec, MachineLimits? machine = null) =>
        Assert.Single(StudySpecValidator.Validate(spec, machine));

    [Fact]
    public void A_warm_up_as_long_as_the_training_is_refused_at_warmup_epochs()
    {
        // The innocent case: every trial trains 1 epoch and the default warm-up is 1 epoch long.
        var spec = Valid with { Scheduler = new() { Kind = SchedulerKind.None, MaxEpochs = 1 } };

        var problem = Single(spec);

        Assert.Equal("search_space.warmup_epochs", problem.Field);
        Assert.Equal("warmup_epochs=1, max_epochs=1", problem.Value);
        Assert.Contains("warmup_epochs 1 must be fewer than max_epochs", problem.Rule);
    }

    [Theory]
    [InlineData(62, "search_space.embed_dim")]
    [InlineData(30, "search_space.decoder_dim")]
    public void A_width_the_sin_cos_table_cannot_split_is_refused(int width, string field)
    {
        var space = field.EndsWith("embed_dim", StringComparison.Ordinal)
            ? Valid.SearchSpace with { EmbedDim = ParameterDomain.Fixed(width) }
            : Valid.SearchSpace with { DecoderDim = ParameterDomain.Fixed(width) };

        var problems = StudySpecValidator.Validate(Valid with { SearchSpace = space });

        Assert.Contains(problems, p => p.Field == field && p.Rule.Contains("multiple of 4", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mask_ratio_that_keeps_no_patch_is_refused_at_mask_ratio()
    {
        // 64×64 in 16-pixel patches is 16 patches; floor(16 · 0.05) keeps none.
        var spec = Valid with
        {
            Dataset = Valid.Dataset with { ImageSize = 64 },
            SearchSpace = Valid.SearchSpace with { PatchSize = ParameterDomain.Fixed(16), MaskRatio = ParameterDomain.Fixed(0.95) },
        };

        var problem = Single(spec);

        Assert.Equal(("search_space.mask_ratio", "mask_ratio=0.95, patch_size=16"), (problem.Field, problem.Value));
        Assert.Contains("keeps 0; at least one patch must be kept and one masked", problem.Rule);
    }

    [Fact]
    public void A_mask_ratio_the_spec_accepts_trains_with_the_kept_count_the_model_uses()
    {
        // mask_ratio 0.01 at patch 16 once passed here (floored) and failed every trial (the model rounded 15.84 to 16
        // kept, none masked). Both now floor: 15 kept, 1 masked.
        var spec = Valid with
        {
            Dataset = Valid.Dataset with { ImageSize = 64 },
            SearchSpace = Valid.SearchSpace with { PatchSize = ParameterDomain.Fixed(16), MaskRatio = ParameterDomain.Fixed(0.01), EmbedDim = ParameterDomain.Fixed(32) },
        };

        Assert.Empty(StudySpecValidator.Validate(spec));
        using var model = new LensSweep.Models.Mae.MaeModel(spec.ExpandConfigurations().Single().ToMaeConfig(64), seed: 0);
        Assert.Equal((16, 15), (model.PatchCount, model.KeptCount));
    }

    [Fact]
    public void A_weight_decay_that_zeroes_every_weight_is_refused()
    {
        var problem = Single(Valid with { SearchSpace = Valid.SearchSpace with { WeightDecay = ParameterDomain.Fixed(1e308) } });

        Assert.Equal("search_space.weight_decay", problem.Field);
        Assert.Contains("must be below 1", problem.Rule);
    }

    [Fact]
    public void More_images_than_one_array_holds_are_refused_at_images_per_class()
    {
        var problem = Single(Valid with { Dataset = Valid.Dataset with { ImagesPerClass = 1_000_000_000 } });

        Assert.Equal("dataset.images_per_class", problem.Field);
        Assert.Contains("above the", problem.Rule);
    }

    [Fact]
    public void An_image_size_whose_dataset_cannot_be_held_is_refused()
    {
        var spec = Valid with
        {
            Dataset = Valid.Dataset with { ImageSize = 100_000 },
            SearchSpace = Valid.SearchSpace with { PatchSize = ParameterDomain.Fixed(8) },
        };

        Assert.Contains(StudySpecValidator.Validate(spec), p => p.Field == "dataset.images_per_class");
    }

    [Fact]
    public void A_model_too_large_for_the_machine_is_refused_with_both_numbers()
    {
        var spec = Valid with { SearchSpace = Valid.SearchSpace with { EmbedDim = ParameterDomain.Fixed(1_000_000), Heads = ParameterDomain.Fixed(1) } };

        var problem = Single(spec, new MachineLimits(MemoryBytes: 24.0 * (1L << 30), Slots: 1));

        Assert.Equal("search_space", problem.Field);
        Assert.Contains("embed_dim=1000000", problem.Value);
        Assert.Matches(@"needs about [\d.]+ GiB .* but 19\.2 GiB of this machine's 24 GiB can be used", problem.Rule);
    }

    [Fact]
    public void A_study_that_fits_the_machine_is_accepted() =>
        Assert.Empty(StudySpecValidator.Validate(Valid, new MachineLimits(MemoryBytes: 24.0 * (1L << 30), Slots: 2)));

    [Fact]
    public void A_class_the_simulator_does_not_know_is_refused_with_the_nearest_name()
    {
        var problem = Single(Valid with { Dataset = Valid.Dataset with { Classes = ["no_sub", "cmd"] } });

        Assert.Equal(("dataset.classes", "cmd"), (problem.Field, problem.Value));
        Assert.Contains("did you mean 'cdm'", problem.Rule);
    }

    [Fact]
    public void A_rule_broken_by_many_configurations_is_reported_once_per_distinct_value()
    {
        var spec = Valid with { SearchSpace = Valid.SearchSpace with { Heads = ParameterDomain.Of(3), EmbedDim = ParameterDomain.Of(32, 64), MaskRatio = ParameterDomain.Of(0.5, 0.6, 0.7) } };

        var problems = StudySpecValidator.Validate(spec).Where(p => p.Field == "search_space.heads").ToList();

        Assert.Equal(["heads=3, embed_dim=32", "heads=3, embed_dim=64"], problems.Select(p => p.Value).Order(StringComparer.Ordinal));
    }
}

public sealed class MetricDataTests
{
    private static StudySpec Valid => SpecTestData.Valid();

    private static StudySpec WithMetric(string metric, DatasetOptions? dataset = null) =>
        Valid with { Scheduler = Valid.Scheduler with { Metric = metric }, Dataset = dataset ?? Valid.Dataset };

    [Fact]
    public void A_macro_lens_metric_on_a_fixed_macro_lens_is_refused_naming_the_option()
    {
        var problem = Assert.Single(StudySpecValidator.Validate(WithMetric("r2_macro_gain")));

        Assert.Equal("scheduler.metric", problem.Field);
        Assert.Contains("macro_lens", problem.Rule);
    }

    [Fact]
    public void A_macro_lens_metric_on_a_varied_macro_lens_is_accepted() =>
        Assert.Empty(StudySpecValidator.Validate(WithMetric("r2_macro", Valid.Dataset with { MacroLens = LensSweep.Models.Simulation.MacroLens.Varied })));

    [Fact]
    public void The_axion_mass_without_axion_images_is_refused() =>
        Assert.Contains("axion", Assert.Single(StudySpecValidator.Validate(WithMetric("r2_axion_mass", Valid.Dataset with { Classes = ["no_sub", "cdm"] }))).Rule);

    [Fact]
    public void A_regression_metric_on_an_lsst_folder_is_refused() =>
        Assert.Contains("LSST folders carry no per-image truths", Assert.Single(StudySpecValidator.Validate(WithMetric("r2_theta_e", new DatasetOptions { Kind = DatasetKind.Lsst, Path = "data", ImageSize = 32 }))).Rule);

    // A DeepLense folder may carry a truth.csv; whether this one does is checked where the folder is read.
    [Fact]
    public void A_regression_metric_on_a_deeplense_folder_passes_the_spec_check() =>
        Assert.Empty(StudySpecValidator.Validate(WithMetric("r2_macro_gain", new DatasetOptions { Kind = DatasetKind.DeepLense, Path = "data", ImageSize = 32 })));
}

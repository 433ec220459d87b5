using LensSweep.Grains.Serialization;
using LensSweep.Grains.Specs;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;

namespace LensSweep.Grains.Tests.Specs;

/// <summary>The probe section's pooling, layers and train_images: read, checked at their keys, mapped onto the
/// model's probe, kept through persistence, and left out meaning today's probe.</summary>
public sealed class ProbeSettingsTests
{
    private static readonly MaeConfig Model = new() { ImageSize = 32, PatchSize = 8, Depth = 3 };

    private static StudySpecLoadResult Parse(string probe) =>
        StudySpecLoader.Parse(SpecTestData.MinimalJson.TrimEnd().TrimEnd('}') + $", \"probe\": {probe} }}");

    [Fact]
    public void A_spec_without_the_new_probe_settings_gets_the_probe_it_had_before_them()
    {
        var probe = new ProbeSettings().ToProbeConfig(Model);

        Assert.Equal(new ProbeConfig { Iterations = 100, L2 = 1e-4, LearningRate = 0.01, FeatureBatchSize = 256, RegionGrid = 4 }, probe);
        Assert.Null(new ProbeSettings().ToEvaluationSettings(Model).MaxTrainImages);
    }

    [Fact]
    public void Pooling_layers_and_train_images_are_read_from_the_probe_section()
    {
        var spec = Parse("""{ "pooling": "regions", "layers": 2, "train_images": 120 }""").Spec!;

        Assert.Equal((FeaturePooling.RegionMeans, 2, (int?)120), (spec.Probe.Pooling, spec.Probe.Layers, spec.Probe.TrainImages));
    }

    [Fact]
    public void Probe_settings_map_onto_the_models_probe_and_evaluation()
    {
        var settings = new ProbeSettings { Pooling = FeaturePooling.RegionMeans, Layers = 2, TrainImages = 120, RegionGrid = 3 };

        var evaluation = settings.ToEvaluationSettings(Model);

        Assert.Equal((FeaturePooling.RegionMeans, 2, 2, (int?)120), (evaluation.Probe.Pooling, evaluation.Probe.LastLayers, evaluation.Probe.RegionGrid, evaluation.MaxTrainImages));
    }

    [Fact]
    public void A_pooling_the_probe_does_not_have_is_refused_at_probe_pooling_with_the_choices()
    {
        var problem = Assert.Single(Parse("""{ "pooling": "cls" }""").Problems);

        Assert.Equal("probe.pooling", problem.Field);
        Assert.Contains("'mean'", problem.Rule);
        Assert.Contains("'regions'", problem.Rule);
    }

    [Fact]
    public void Zero_layers_are_refused_at_probe_layers()
    {
        var problem = Assert.Single(StudySpecValidator.Validate(SpecTestData.Valid() with { Probe = new() { Layers = 0 } }));

        Assert.Equal(("probe.layers", "0"), (problem.Field, problem.Value));
    }

    [Fact]
    public void Averaging_more_blocks_than_a_configuration_has_is_refused_at_probe_layers_naming_its_depth()
    {
        var problem = Assert.Single(StudySpecValidator.Validate(SpecTestData.Valid() with { Probe = new() { Layers = 2 } }));

        Assert.Equal(("probe.layers", "layers=2, depth=1"), (problem.Field, problem.Value));
        Assert.Contains("layers (2) must be at most depth (1)", problem.Rule);
    }

    [Fact]
    public void Fewer_train_images_than_the_ridge_needs_are_refused_at_probe_train_images()
    {
        var problem = Assert.Single(StudySpecValidator.Validate(SpecTestData.Valid() with { Probe = new() { TrainImages = 2 } }));

        Assert.Equal(("probe.train_images", "2"), (problem.Field, problem.Value));
    }

    [Fact]
    public void A_null_train_images_means_the_whole_train_split()
    {
        var result = Parse("""{ "train_images": null }""");

        Assert.Empty(result.Problems);
        Assert.Null(result.Spec!.Probe.TrainImages);
    }

    [Fact]
    public void Probe_settings_survive_persistence()
    {
        var settings = new ProbeSettings { Pooling = FeaturePooling.RegionMeans, Layers = 2, TrainImages = 120 };
        var converter = new ProbeSettingsSurrogateConverter();

        Assert.Equal(settings, converter.ConvertFromSurrogate(converter.ConvertToSurrogate(settings)));
    }

    [Fact]
    public void Probe_settings_stored_before_these_fields_load_as_todays_probe()
    {
        var old = new ProbeSettingsSurrogate { Epochs = 100, L2 = 1e-4, LearningRate = 0.01, BatchSize = 256, Regression = true, Reconstruction = true, BootstrapResamples = 1000, RegionGrid = 4 };

        Assert.Equal(new ProbeSettings(), new ProbeSettingsSurrogateConverter().ConvertFromSurrogate(old));
    }
}

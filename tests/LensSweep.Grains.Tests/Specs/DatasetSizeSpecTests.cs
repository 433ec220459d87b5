using LensSweep.Grains.Serialization;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Training;
using LensSweep.Models.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace LensSweep.Grains.Tests.Specs;

/// <summary><c>images_per_class</c> and <c>unlabelled_per_class</c> are hyperparameters like any other: read,
/// validated, searched and shown; a study loads its largest size and each trial learns from a view of it whose
/// validation and test images are the study's own.</summary>
public sealed class DatasetSizeSpecTests
{
    private const string TwoSizes = """
        { "name": "sizes", "dataset": { "image_size": 32, "images_per_class": 999, "validation_fraction": 0.25, "test_fraction": 0.25 },
          "search_space": { "images_per_class": [8, 16], "unlabelled_per_class": [0, 4], "patch_size": 8, "embed_dim": 16, "depth": 1, "heads": 2,
                            "decoder_dim": 16, "decoder_depth": 1, "decoder_heads": 2, "batch_size": 4 },
          "scheduler": { "kind": "none", "max_epochs": 2 } }
        """;

    [Fact]
    public void A_grid_over_two_sizes_and_two_pools_is_accepted_and_gives_four_configurations()
    {
        var loaded = StudySpecLoader.Parse(TwoSizes);

        Assert.True(loaded.IsValid, string.Join("; ", loaded.Problems.Select(p => $"{p.Field}: {p.Rule}")));
        Assert.Equal(
            [(8, 0), (8, 4), (16, 0), (16, 4)],
            loaded.Spec!.ExpandConfigurations().Select(c => (c.ImagesPerClass!.Value, c.UnlabelledPerClass!.Value)).Order().ToList());
    }

    [Fact]
    public void A_study_searching_its_size_loads_the_largest_size_and_pool_it_searches()
    {
        var spec = StudySpecLoader.Parse(TwoSizes).Spec!;

        Assert.Equal((16, 4), (spec.LoadedDataset.ImagesPerClass, spec.LoadedDataset.UnlabelledPerClass));
    }

    [Fact]
    public void An_unsearched_size_is_the_dataset_own_and_shown_as_dataset()
    {
        var config = StudySpecLoader.Parse("""{ "name": "plain" }""").Spec!.ExpandConfigurations().Single();

        Assert.Null(config.ImagesPerClass);
        Assert.Contains("images_per_class=dataset", config.ToString());
    }

    [Fact]
    public void Zero_images_per_class_is_refused_at_its_search_space_key()
    {
        var problems = StudySpecLoader.Parse("""{ "name": "z", "search_space": { "images_per_class": [0, 8] } }""").Problems;

        Assert.Contains(problems, p => p is { Field: "search_space.images_per_class", Value: "0", Rule: "must be at least 1" });
    }

    [Fact]
    public void A_negative_unlabelled_pool_is_refused_at_its_search_space_key()
    {
        var problems = StudySpecLoader.Parse("""{ "name": "n", "search_space": { "unlabelled_per_class": [-2, 4] } }""").Problems;

        Assert.Contains(problems, p => p is { Field: "search_space.unlabelled_per_class", Value: "-2" });
    }

    [Theory]
    [InlineData("""[-1, 4]""")]
    [InlineData("""{ "min": -1, "max": 4, "scale": "int" }""")]
    public void Minus_one_written_for_an_unlabelled_pool_is_refused_not_read_as_the_datasets_own(string values)
    {
        var problems = StudySpecLoader.Parse($$"""{ "name": "m", "search": { "kind": "random", "count": 2 }, "search_space": { "unlabelled_per_class": {{values}} } }""").Problems;

        Assert.Contains(problems, p => p.Field == "search_space.unlabelled_per_class" && p.Value == "-1");
    }

    [Theory]
    [InlineData("[-1]")]
    [InlineData("-1")]
    public void A_single_minus_one_written_for_images_per_class_is_refused_with_its_field_value_and_rule(string value)
    {
        var problems = StudySpecLoader.Parse($$"""{ "name": "m", "search_space": { "images_per_class": {{value}} } }""").Problems;

        Assert.Contains(problems, p => p is { Field: "search_space.images_per_class", Value: "-1", Rule: "must be at least 1" });
    }

    [Fact]
    public void A_size_the_spec_writes_is_searched_and_one_it_leaves_out_is_not()
    {
        var space = StudySpecLoader.Parse("""{ "name": "s", "search_space": { "images_per_class": 200 } }""").Spec!.SearchSpace;

        Assert.Equal((true, false), (space.IsSearched(Hyperparameters.ImagesPerClass), space.IsSearched(Hyperparameters.UnlabelledPerClass)));
    }

    [Fact]
    public void A_search_space_keeps_which_sizes_it_searches_through_grain_state()
    {
        var space = Hyperparameters.ImagesPerClass.WithDomain(new SearchSpace(), [8, 16]);
        var converter = new SearchSpaceSurrogateConverter();

        var restored = converter.ConvertFromSurrogate(converter.ConvertToSurrogate(space));

        Assert.Equal((true, false), (restored.IsSearched(Hyperparameters.ImagesPerClass), restored.IsSearched(Hyperparameters.UnlabelledPerClass)));
    }

    [Fact]
    public void State_written_with_every_key_reads_an_unsearched_size_as_unsearched()
    {
        var old = new SearchSpaceSurrogate
        {
            Domains = new() { ["images_per_class"] = new() { Values = [Hyperparameter.DatasetOwn] }, ["mask_ratio"] = new() { Values = [0.75] } },
        };

        var restored = new SearchSpaceSurrogateConverter().ConvertFromSurrogate(old);

        Assert.Null(Hyperparameters.ImagesPerClass.Largest(restored));
    }

    [Fact]
    public void A_searched_unlabelled_pool_is_refused_for_folder_data()
    {
        var problems = StudySpecLoader.Parse("""{ "name": "f", "dataset": { "kind": "deeplense", "path": "/data" }, "search_space": { "unlabelled_per_class": [0, 4] } }""").Problems;

        Assert.Contains(problems, p => p.Field == "search_space.unlabelled_per_class" && p.Rule.Contains("only to simulated data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Trials_of_two_sizes_learn_from_different_pools_with_identical_validation_and_test_images()
    {
        var spec = StudySpecLoader.Parse(TwoSizes).Spec!;
        var study = await new DatasetCache(NullLogger<DatasetLoader>.Instance).GetStudyDataAsync(spec.LoadedDataset, CancellationToken.None);
        var views = spec.ExpandConfigurations().Select(c => (Config: c, Data: study.ViewOf(c.ImagesPerClass, c.UnlabelledPerClass, spec.LoadedDataset))).ToList();

        var small = views.Single(v => v.Config is { ImagesPerClass: 8, UnlabelledPerClass: 0 }).Data;
        var large = views.Single(v => v.Config is { ImagesPerClass: 16, UnlabelledPerClass: 4 }).Data;
        Assert.All(views, v => Assert.Equal(study.Split.Validation.Images, v.Data.Split.Validation.Images));
        Assert.All(views, v => Assert.Equal(study.Split.Test.Images, v.Data.Split.Test.Images));
        Assert.Equal((3 * 4, 3 * 4), (small.Split.Train.Count, small.PretrainingImages.Count)); // 8 per class: 2 validation, 2 test, 4 train
        Assert.Equal((3 * 8, 3 * (8 + 4)), (large.Split.Train.Count, large.PretrainingImages.Count));
    }
}

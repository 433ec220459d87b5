using LensSweep.Grains.Specs;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Tests;

public sealed class EngineParametersTests
{
    [Fact]
    public void A_trial_shows_masking_and_loss_by_name_and_sizes_as_numbers()
    {
        var config = StudySpecLoader.Parse("""{ "name": "m", "search_space": { "masking": "block", "loss": "l1", "patch_size": 16 } }""").Spec!.ExpandConfigurations().Single();

        var parameters = EngineMapping.Parameters(config);

        Assert.Equal(ParameterValue.Of("block"), parameters.Single(p => p.Name == "masking").Value);
        Assert.Equal(ParameterValue.Of("l1"), parameters.Single(p => p.Name == "loss").Value);
        Assert.Equal(ParameterValue.Of(16), parameters.Single(p => p.Name == "patch_size").Value);
    }

    [Fact]
    public void An_unsearched_dataset_size_is_shown_as_the_datasets_own_not_as_its_marker_number()
    {
        var config = StudySpecLoader.Parse("""{ "name": "d", "search_space": { "images_per_class": [20, 40] } }""").Spec!.ExpandConfigurations()[0];

        var parameters = EngineMapping.Parameters(config);

        Assert.Equal(ParameterValue.Of("dataset"), parameters.Single(p => p.Name == "unlabelled_per_class").Value);
        Assert.Equal(ParameterValue.Of(20), parameters.Single(p => p.Name == "images_per_class").Value);
    }
}

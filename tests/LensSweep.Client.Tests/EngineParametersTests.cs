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
}

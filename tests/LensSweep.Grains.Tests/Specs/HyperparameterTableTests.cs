using LensSweep.Grains.Serialization;
using LensSweep.Grains.Specs;
using LensSweep.Models.Mae;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace LensSweep.Grains.Tests.Specs;

/// <summary>The declaration table is what the reader, the validator, the search, persistence and the trainer use.</summary>
public sealed class HyperparameterTableTests
{
    private static StudySpec Valid => SpecTestData.Valid();

    [Fact]
    public void Every_declaration_reaches_the_model_the_optimiser_config_or_the_trial_dataset_size()
    {
        foreach (var parameter in Hyperparameters.All)
        {
            var other = parameter.Type == HyperparameterType.Choice ? (parameter.Default + 1) % parameter.Choices.Count : parameter.Default + 1;
            var changed = new TrialConfig().With(parameter, other);

            var reaches = changed.ToMaeConfig(64) != new TrialConfig().ToMaeConfig(64)
                || changed.ToOptimizerConfig(9) != new TrialConfig().ToOptimizerConfig(9)
                || (parameter.IsDataSize && parameter.SizeIn(changed) != parameter.SizeIn(new TrialConfig()));

            Assert.True(reaches, $"{parameter.Name} changes neither config nor the trial's dataset size");
        }
    }

    [Fact]
    public void A_default_trial_builds_the_default_model_and_optimiser()
    {
        Assert.Equal(new MaeConfig(), new TrialConfig().ToMaeConfig(new MaeConfig().ImageSize));
        Assert.Equal(new LensSweep.Models.Training.OptimizerConfig(), new TrialConfig().ToOptimizerConfig(new LensSweep.Models.Training.OptimizerConfig().TotalEpochs));
    }

    [Fact]
    public void Masking_and_loss_from_a_spec_reach_the_model()
    {
        var spec = StudySpecLoader.Parse("""{ "name": "m", "search_space": { "masking": "block", "loss": "l1" } }""").Spec!;

        var model = spec.ExpandConfigurations().Single().ToMaeConfig(64);

        Assert.Equal((MaskingKind.Block, ReconstructionLoss.L1), (model.Masking, model.Loss));
    }

    [Fact]
    public void A_misspelt_masking_is_refused_with_the_nearest_name()
    {
        var problem = Assert.Single(StudySpecLoader.Parse("""{ "name": "m", "search_space": { "masking": ["random", "blok"] } }""").Problems);

        Assert.Equal(("search_space.masking", "\"blok\""), (problem.Field, problem.Value));
        Assert.Contains("did you mean 'block'", problem.Rule);
    }

    [Fact]
    public void The_retired_norm_pixel_loss_key_is_refused_naming_its_replacement()
    {
        var problem = Assert.Single(StudySpecLoader.Parse("""{ "name": "m", "search_space": { "norm_pixel_loss": false } }""").Problems);

        Assert.Equal("search_space.norm_pixel_loss", problem.Field);
        Assert.Contains("\"mse\" for false", problem.Rule);
    }

    [Fact]
    public void A_non_positive_masking_temperature_is_refused_at_its_key()
    {
        var spec = Valid with { SearchSpace = Hyperparameters.MaskingTemperature.WithDomain(Valid.SearchSpace, [0.0]) };

        var problem = Assert.Single(StudySpecValidator.Validate(spec));

        Assert.Equal(("search_space.masking_temperature", "must be positive"), (problem.Field, problem.Rule));
    }

    [Fact]
    public void Masking_and_loss_are_shown_by_name()
    {
        var trial = new TrialConfig().With(Hyperparameters.Masking, 2);

        Assert.Contains("loss=mse_norm_pix masking=informed", trial.ToString());
        Assert.Contains(trial.ToParameters(), p => p is { Name: "masking", Text: "informed", IsChoice: true });
    }

    [Fact]
    public void A_trial_assignment_keeps_masking_and_loss_through_grain_state()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var trial = new TrialConfig { EmbedDim = 64 }.With(Hyperparameters.Masking, 1).With(Hyperparameters.Loss, 2).With(Hyperparameters.MaskingTemperature, 0.3);

        var restored = serializer.Deserialize<TrialConfig>(serializer.SerializeToArray(trial));

        Assert.Equal(trial, restored);
    }

    [Theory]
    [InlineData(true, "mse_norm_pix")]
    [InlineData(false, "mse")]
    public void An_assignment_persisted_before_the_loss_choice_reads_its_norm_pixel_flag(bool normPixelLoss, string loss)
    {
        var old = new TrialConfigSurrogate { MaskRatio = 0.75, PatchSize = 8, EmbedDim = 128, Depth = 4, Heads = 4, DecoderDim = 64, DecoderDepth = 2, DecoderHeads = 4, MlpRatio = 4, NormPixelLoss = normPixelLoss, LearningRate = 1.5e-4, WeightDecay = 0.05, BatchSize = 64, WarmupEpochs = 1 };

        var config = new TrialConfigSurrogateConverter().ConvertFromSurrogate(old);

        Assert.Equal((loss, "random"), (Hyperparameters.Loss.Format(config), Hyperparameters.Masking.Format(config)));
    }
}

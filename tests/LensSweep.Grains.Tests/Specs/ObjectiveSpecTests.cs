using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Search;
using LensSweep.Grains.Serialization;
using LensSweep.Grains.Specs;
using LensSweep.Models.Mae;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace LensSweep.Grains.Tests.Specs;

/// <summary><c>objective</c> is a hyperparameter like any other: read, validated, searched, persisted, shown.</summary>
public sealed class ObjectiveSpecTests
{
    [Fact]
    public void A_spec_without_an_objective_trains_the_mae()
    {
        var spec = StudySpecLoader.Parse("""{ "name": "o" }""").Spec!;

        Assert.Equal(PretrainingObjective.Mae, spec.ExpandConfigurations().Single().ToMaeConfig(64).Objective);
    }

    [Fact]
    public void An_ijepa_objective_from_a_spec_reaches_the_model()
    {
        var spec = StudySpecLoader.Parse("""{ "name": "o", "search_space": { "objective": "ijepa" } }""").Spec!;

        Assert.Equal(PretrainingObjective.Ijepa, spec.ExpandConfigurations().Single().ToMaeConfig(64).Objective);
    }

    [Fact]
    public void A_grid_over_both_objectives_expands_to_one_configuration_each()
    {
        var spec = StudySpecLoader.Parse("""{ "name": "o", "search_space": { "objective": ["mae", "ijepa"], "masking": ["random", "block"] } }""").Spec!;

        var objectives = spec.ExpandConfigurations().Select(c => c.ToMaeConfig(64).Objective).ToList();

        Assert.Equal(4, objectives.Count);
        Assert.Equal(2, objectives.Count(o => o == PretrainingObjective.Ijepa));
    }

    [Fact]
    public void Random_search_draws_both_objectives()
    {
        var space = Hyperparameters.Objective.WithDomain(new SearchSpace(), [0, 1]);

        var drawn = space.Expand(new SearchOptions { Kind = SearchKind.Random, Count = 40 }, seed: 3)
            .Select(c => Hyperparameters.Objective.Format(c)).ToHashSet();

        Assert.Equal(["ijepa", "mae"], drawn.Order());
    }

    [Fact]
    public void Tpe_proposes_only_declared_objectives()
    {
        var space = Hyperparameters.Objective.WithDomain(new SearchSpace(), [0, 1]);
        var sampler = new TpeSampler(space, new TpeOptions(Startup: 2), MetricMode.Max, seed: 1);
        var results = new List<TrialResult>();

        for (var t = 0; t < 8; t++)
        {
            var config = sampler.Propose(t, results);
            Assert.Contains(Hyperparameters.Objective.Format(config), new[] { "mae", "ijepa" });
            results.Add(new TrialResult(t, config, [Hyperparameters.Objective.Read(config)]));
        }
    }

    [Fact]
    public void A_misspelt_objective_is_refused_with_the_nearest_name()
    {
        var problem = Assert.Single(StudySpecLoader.Parse("""{ "name": "o", "search_space": { "objective": ["mae", "ijpea"] } }""").Problems);

        Assert.Equal(("search_space.objective", "\"ijpea\""), (problem.Field, problem.Value));
        Assert.Contains("did you mean 'ijepa'", problem.Rule);
    }

    [Fact]
    public void An_ijepa_study_on_too_few_patches_is_refused_at_the_objective()
    {
        var spec = SpecTestData.Valid() with
        {
            SearchSpace = Hyperparameters.Objective.WithDomain(
                Hyperparameters.PatchSize.WithDomain(SpecTestData.Valid().SearchSpace, [16]), [1]),
        };

        var problem = Assert.Single(StudySpecValidator.Validate(spec));

        Assert.Equal("search_space.objective", problem.Field);
        Assert.Contains("at least 4×4 patches", problem.Rule);
    }

    [Fact]
    public void Ranking_by_reconstruction_loss_over_ijepa_trials_is_refused_at_the_metric()
    {
        var problem = Assert.Single(StudySpecLoader.Parse("""{ "name": "o", "search_space": { "objective": ["mae", "ijepa"] }, "scheduler": { "metric": "recon_loss" } }""").Problems);

        Assert.Equal("scheduler.metric", problem.Field);
        Assert.Contains("objective ijepa does not train", problem.Rule);
    }

    [Fact]
    public void Ranking_by_reconstruction_loss_over_mae_trials_is_accepted()
    {
        var spec = StudySpecLoader.Parse("""{ "name": "o", "search_space": { "objective": "mae" }, "scheduler": { "metric": "recon_loss" } }""").Spec!;

        Assert.Empty(StudySpecValidator.Validate(spec));
    }

    [Fact]
    public void The_objective_is_shown_by_name()
    {
        var trial = new TrialConfig().With(Hyperparameters.Objective, 1);

        Assert.Contains("objective=ijepa", trial.ToString());
        Assert.Contains(trial.ToParameters(), p => p is { Name: "objective", Text: "ijepa", IsChoice: true });
    }

    [Fact]
    public void A_trial_assignment_keeps_its_objective_through_grain_state()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var trial = new TrialConfig { EmbedDim = 64 }.With(Hyperparameters.Objective, 1);

        var restored = serializer.Deserialize<TrialConfig>(serializer.SerializeToArray(trial));

        Assert.Equal(PretrainingObjective.Ijepa, restored!.ToMaeConfig(64).Objective);
    }
}

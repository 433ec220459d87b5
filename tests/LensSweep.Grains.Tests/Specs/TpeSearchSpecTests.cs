using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Search;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;

namespace LensSweep.Grains.Tests.Specs;

public sealed class TpeSearchSpecTests
{
    private static string WithSearch(string search) =>
        SpecTestData.MinimalJson.Replace("{ \"kind\": \"grid\" }", search, StringComparison.Ordinal);

    private static StudySpec Tpe(int count = 20, int startup = 5) =>
        SpecTestData.Valid() with { Search = new() { Kind = SearchKind.Tpe, Count = count, Startup = startup } };

    [Fact]
    public void A_tpe_section_is_read_with_its_count_and_startup()
    {
        var result = StudySpecLoader.Parse(WithSearch("{ \"kind\": \"tpe\", \"count\": 30, \"startup\": 6 }"));

        Assert.Empty(result.Problems);
        Assert.Equal(new SearchOptions { Kind = SearchKind.Tpe, Count = 30, Startup = 6 }, result.Spec!.Search);
    }

    [Fact]
    public void Startup_defaults_to_ten()
    {
        var result = StudySpecLoader.Parse(WithSearch("{ \"kind\": \"tpe\", \"count\": 30 }"));

        Assert.Equal(TpeOptions.DefaultStartup, result.Spec!.Search.Startup);
        Assert.Equal(10, TpeOptions.DefaultStartup);
    }

    [Fact]
    public void Tpe_without_a_count_is_reported()
    {
        var problem = Assert.Single(StudySpecLoader.Parse(WithSearch("{ \"kind\": \"tpe\" }")).Problems);

        Assert.Equal("search.count", problem.Field);
        Assert.StartsWith("required for tpe search", problem.Rule);
    }

    [Fact]
    public void Startup_under_random_search_is_reported()
    {
        var problem = Assert.Single(StudySpecLoader.Parse(WithSearch("{ \"kind\": \"random\", \"count\": 4, \"startup\": 2 }")).Problems);

        Assert.Equal(("search.startup", "2"), (problem.Field, problem.Value));
        Assert.StartsWith("applies only to tpe search", problem.Rule);
    }

    [Fact]
    public void Startup_not_below_count_is_reported_naming_both()
    {
        var problem = Assert.Single(StudySpecValidator.Validate(Tpe(count: 8, startup: 10)));

        Assert.Equal(("search.startup", "10"), (problem.Field, problem.Value));
        Assert.StartsWith("must be less than count (8", problem.Rule);
    }

    [Fact]
    public void Startup_below_one_is_reported()
    {
        var problem = Assert.Single(StudySpecValidator.Validate(Tpe(startup: 0)));

        Assert.Equal(("search.startup", "0", "must be at least 1"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Tpe_count_below_one_is_reported()
    {
        var problems = StudySpecValidator.Validate(Tpe(count: 0, startup: 1));

        Assert.Contains(problems, p => p is { Field: "search.count", Value: "0", Rule: "must be at least 1" });
    }

    [Fact]
    public void Tpe_over_a_space_with_no_choice_is_reported()
    {
        var spec = Tpe() with
        {
            SearchSpace = SpecTestData.Valid().SearchSpace with
            {
                MaskRatio = ParameterDomain.Fixed(0.75), PatchSize = ParameterDomain.Fixed(8), EmbedDim = ParameterDomain.Fixed(32),
            },
        };

        var problem = Assert.Single(StudySpecValidator.Validate(spec));

        Assert.Equal("search_space", problem.Field);
        Assert.StartsWith("tpe search needs at least one hyperparameter with a choice", problem.Rule);
    }

    [Fact]
    public void Ranges_are_accepted_under_tpe_and_checked_on_random_draws()
    {
        // heads 3 divides no embed_dim drawn from 32..34 except 33: most draws break the model's rule.
        var spec = Tpe() with
        {
            SearchSpace = SpecTestData.Valid().SearchSpace with
            {
                LearningRate = ParameterDomain.Between<double>(1e-4, 1e-2, RangeScale.Log),
                EmbedDim = ParameterDomain.Between<int>(32, 34),
                Heads = ParameterDomain.Fixed(3),
            },
        };

        var problems = StudySpecValidator.Validate(spec);

        Assert.Contains(problems, p => p.Field == "search_space.heads" && p.Rule.StartsWith("heads 3 does not divide embed_dim", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Field == "search_space.learning_rate");
    }

    [Fact]
    public void A_tpe_spec_has_no_configurations_up_front()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Tpe().ExpandConfigurations());

        Assert.Contains("proposes each configuration from the results so far", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tpe_plan_carries_its_search_instead_of_expanded_trials()
    {
        var spec = Tpe(count: 12) with { Repeats = 2 };

        var plan = SweepPlan.From(spec);

        Assert.Empty(plan.Trials);
        Assert.Equal(new AdaptiveSearch(spec.SearchSpace, 12, 5), plan.Adaptive);
        Assert.Equal(24, plan.TrialCount);
        Assert.Empty(plan.Problems());
    }

    [Fact]
    public void A_random_plan_has_no_adaptive_search()
    {
        var plan = SweepPlan.From(SpecTestData.Valid() with { Search = new() { Kind = SearchKind.Random, Count = 3 } });

        Assert.Null(plan.Adaptive);
        Assert.Equal(3, plan.TrialCount);
    }

    [Fact]
    public void Two_tpe_plans_over_different_spaces_are_different_studies()
    {
        var plan = SweepPlan.From(Tpe());
        var wider = SweepPlan.From(Tpe() with { SearchSpace = Tpe().SearchSpace with { MaskRatio = ParameterDomain.Of(0.25, 0.5, 0.75) } });

        Assert.True(plan.IsSameStudyAs(SweepPlan.From(Tpe())));
        Assert.False(plan.IsSameStudyAs(wider));
    }

    [Fact]
    public void The_proposer_for_a_tpe_spec_counts_its_trials_and_proposes_from_its_space()
    {
        var proposer = TrialProposers.Create(Tpe(count: 12));
        var config = proposer.Propose(0, []);

        Assert.Equal(12, proposer.Count);
        Assert.Contains(config.MaskRatio, new[] { 0.5, 0.75 });
        Assert.Throws<ArgumentOutOfRangeException>(() => proposer.Propose(12, []));
    }

    [Fact]
    public void The_proposer_for_a_random_spec_hands_out_its_expansion_in_order()
    {
        var spec = SpecTestData.Valid() with { Search = new() { Kind = SearchKind.Random, Count = 5 } };
        var proposer = TrialProposers.Create(spec);

        Assert.Equal(spec.ExpandConfigurations(), Enumerable.Range(0, proposer.Count).Select(n => proposer.Propose(n, [])));
    }
}

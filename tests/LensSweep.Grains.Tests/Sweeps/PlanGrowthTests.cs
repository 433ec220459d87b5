using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Tests.Specs;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class PlanGrowthTests
{
    private static StudySpec Random(int count) => SpecTestData.Valid() with
    {
        SearchSpace = SpecTestData.Valid().SearchSpace with { MaskRatio = ParameterDomain.Between<double>(0.3, 0.7) },
        Search = new() { Kind = SearchKind.Random, Count = count },
    };

    private static StudySpec Tpe(int count) => SpecTestData.Valid() with { Search = new() { Kind = SearchKind.Tpe, Count = count, Startup = 2 } };

    [Fact]
    public void A_tpe_study_grows_by_raising_its_count()
    {
        var grown = PlanGrowth.Grow(SweepPlan.From(Tpe(6) with { Repeats = 2 }), new StudyGrowth(9));

        Assert.Empty(grown.Problems);
        Assert.Equal(9, grown.Plan!.Adaptive!.Configurations);
        Assert.Equal(6, grown.AddedTrials);
    }

    [Fact]
    public void A_random_study_grows_to_the_trials_a_study_of_the_larger_count_would_draw()
    {
        var grown = PlanGrowth.Grow(SweepPlan.From(Random(5)), new StudyGrowth(8));

        Assert.Empty(grown.Problems);
        Assert.Equal(SweepPlan.From(Random(8)).Trials, grown.Plan!.Trials);
        Assert.Equal(3, grown.AddedTrials);
    }

    [Fact]
    public void A_widened_grid_keeps_the_studys_trials_first_and_adds_the_new_configurations_after_them_with_their_repeats()
    {
        var spec = SpecTestData.Valid() with { Repeats = 2 };
        var current = SweepPlan.From(spec);
        var wider = spec with { SearchSpace = spec.SearchSpace with { MaskRatio = ParameterDomain.Of(0.25, 0.5, 0.75) } };

        var grown = PlanGrowth.Grow(current, new StudyGrowth(0, SweepPlan.From(wider)));

        Assert.Empty(grown.Problems);
        var trials = grown.Plan!.Trials;
        Assert.Equal(current.Trials, trials.Take(current.Trials.Count));
        Assert.Equal(24, trials.Count);
        Assert.All(trials.Skip(current.Trials.Count), t => Assert.Equal(0.25, t.MaskRatio));
        Assert.All(Enumerable.Range(0, 12), c => Assert.Equal(trials[2 * c], trials[(2 * c) + 1]));
        Assert.Equal(SweepPlan.From(wider).Trials.ToHashSet(), trials.ToHashSet());
    }

    [Fact]
    public void A_grid_study_does_not_grow_by_a_number_of_trials()
    {
        var grown = PlanGrowth.Grow(SweepPlan.From(SpecTestData.Valid()), new StudyGrowth(20));

        Assert.Null(grown.Plan);
        Assert.Contains("--spec FILE", Assert.Single(grown.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_widened_spec_whose_other_settings_differ_is_refused_naming_each_difference()
    {
        var spec = SpecTestData.Valid();
        var other = spec with { Seed = 99, Scheduler = spec.Scheduler with { MaxEpochs = 8 }, MaxConcurrentTrials = 5 };

        var grown = PlanGrowth.Grow(SweepPlan.From(spec), new StudyGrowth(0, SweepPlan.From(other)));

        Assert.Null(grown.Plan);
        Assert.Equal(["scheduler", "max_concurrent_trials", "seed"], grown.Problems.Select(p => p.Split(' ')[0]));
    }

    [Fact]
    public void A_widened_grid_that_drops_a_value_the_study_ran_is_refused()
    {
        var spec = SpecTestData.Valid();
        var narrower = spec with { SearchSpace = spec.SearchSpace with { MaskRatio = ParameterDomain.Of(0.25, 0.5) } };

        var grown = PlanGrowth.Grow(SweepPlan.From(spec), new StudyGrowth(0, SweepPlan.From(narrower)));

        Assert.Null(grown.Plan);
        Assert.StartsWith("4 of the study's 8 configurations are not in the new search_space", Assert.Single(grown.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_does_not_shrink()
    {
        var grown = PlanGrowth.Grow(SweepPlan.From(Tpe(6)), new StudyGrowth(4));

        Assert.Null(grown.Plan);
        Assert.Contains("grow, not shrink", Assert.Single(grown.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tpe_spec_over_another_space_is_refused_and_one_with_a_larger_count_grows_the_study()
    {
        var current = SweepPlan.From(Tpe(6));
        var otherSpace = Tpe(10) with { SearchSpace = Tpe(10).SearchSpace with { MaskRatio = ParameterDomain.Of(0.25, 0.5) } };

        var refused = PlanGrowth.Grow(current, new StudyGrowth(0, SweepPlan.From(otherSpace)));
        var grown = PlanGrowth.Grow(current, new StudyGrowth(0, SweepPlan.From(Tpe(10))));

        Assert.StartsWith("search_space differs", Assert.Single(refused.Problems), StringComparison.Ordinal);
        Assert.Equal(10, grown.Plan!.Adaptive!.Configurations);
    }

    [Fact]
    public void Growing_to_the_size_a_study_has_adds_nothing()
    {
        var current = SweepPlan.From(Random(5));

        var grown = PlanGrowth.Grow(current, new StudyGrowth(5));

        Assert.Equal(0, grown.AddedTrials);
        Assert.Equal(current.Trials, grown.Plan!.Trials);
    }

    [Fact]
    public void A_grid_study_asked_for_no_more_trials_is_left_as_it_is()
    {
        var current = SweepPlan.From(SpecTestData.Valid());

        var grown = PlanGrowth.Grow(current, new StudyGrowth(current.TrialCount));

        Assert.Empty(grown.Problems);
        Assert.Equal(0, grown.AddedTrials);
    }

    [Fact]
    public void Each_growth_step_counts_the_trials_it_adds_over_the_plan_before_it()
    {
        var plan = SweepPlan.From(Tpe(4));
        var six = PlanGrowth.Grow(plan, new StudyGrowth(6)).Plan!;
        var nine = PlanGrowth.Grow(plan, new StudyGrowth(9)).Plan!;

        var steps = PlanGrowth.Steps(plan, [six, nine]).ToList();

        Assert.Equal([(six, 2), (nine, 3)], steps);
    }

    [Fact]
    public void A_growth_no_larger_than_the_plan_before_it_is_skipped()
    {
        var plan = SweepPlan.From(Tpe(4));
        var six = PlanGrowth.Grow(plan, new StudyGrowth(6)).Plan!;
        var five = PlanGrowth.Grow(plan, new StudyGrowth(5)).Plan!;

        var steps = PlanGrowth.Steps(plan, [six, six, five]).ToList();

        Assert.Equal([(six, 2)], steps);
    }
}

using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Tests.Specs;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class SweepPlanTests
{
    [Fact]
    public void A_valid_spec_becomes_a_plan_with_its_expanded_trials()
    {
        var spec = new StudySpec { Name = "plan", SearchSpace = new SearchSpace { MaskRatio = ParameterDomain.Of(0.5, 0.75) } };

        var plan = SweepPlan.From(spec);

        Assert.Equal("plan", plan.StudyId);
        Assert.Equal(spec.ExpandTrials(), plan.Trials);
        Assert.Empty(plan.Problems());
    }

    [Fact]
    public void An_invalid_spec_is_refused_before_any_plan_exists()
    {
        var spec = new StudySpec { Name = "plan", MaxConcurrentTrials = 0 };

        var error = Assert.Throws<ArgumentException>(() => SweepPlan.From(spec));

        Assert.Contains("max_concurrent_trials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_id_with_a_slash_is_a_problem()
    {
        var plan = SweepPlan.From(new StudySpec { Name = "ok" }) with { StudyId = "a/b" };

        Assert.Contains(plan.Problems(), p => p.Contains("study id 'a/b'", StringComparison.Ordinal));
    }

    [Fact]
    public void Plans_of_the_same_study_are_the_same_even_as_separate_objects()
    {
        var spec = new StudySpec { Name = "same", Dataset = new() { Classes = ["no_sub", "cdm"] } };

        Assert.True(SweepPlan.From(spec).IsSameStudyAs(SweepPlan.From(spec with { Dataset = new() { Classes = ["no_sub", "cdm"] } })));
        Assert.False(SweepPlan.From(spec).IsSameStudyAs(SweepPlan.From(spec with { Seed = 1 })));
    }

    [Fact]
    public void A_random_plan_says_which_of_its_ranges_are_on_a_log_scale()
    {
        var spec = SpecTestData.Valid() with
        {
            Search = new() { Kind = SearchKind.Random, Count = 3 },
            SearchSpace = new SearchSpace
            {
                MaskRatio = ParameterDomain.Between<double>(0.5, 0.9),
                LearningRate = ParameterDomain.Between<double>(1e-4, 1e-2, RangeScale.Log),
                EmbedDim = ParameterDomain.Of(32, 64),
            },
        };

        var scales = SweepPlan.From(spec).RangeScales();

        Assert.Equal(new Dictionary<string, bool> { ["mask_ratio"] = false, ["learning_rate"] = true }, scales);
    }

    [Fact]
    public void A_grid_plan_declares_no_range_scales()
    {
        var spec = new StudySpec { Name = "grid", SearchSpace = new SearchSpace { MaskRatio = ParameterDomain.Of(0.5, 0.75) } };

        Assert.Empty(SweepPlan.From(spec).RangeScales());
    }
}

using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;

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
}

using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Tests.Specs;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class StudyStartTests
{
    private static SweepPlan Plan(StudySpec? spec = null) => SweepPlan.From(spec ?? SpecTestData.Valid());

    [Fact]
    public void A_new_study_stores_its_plan()
    {
        var plan = Plan();

        Assert.Equal(StartStep.StorePlan, StudyStart.Decide(plan.StudyId, stored: null, plan, SweepPhase.NotStarted));
    }

    [Fact]
    public void A_stored_study_that_never_ran_runs_now()
    {
        var plan = Plan();

        Assert.Equal(StartStep.Run, StudyStart.Decide(plan.StudyId, plan, plan, SweepPhase.NotStarted));
    }

    [Theory]
    [InlineData(SweepPhase.Running)]
    [InlineData(SweepPhase.Finished)]
    [InlineData(SweepPhase.Cancelled)]
    public void Starting_a_started_study_again_with_its_spec_only_answers_its_status(SweepPhase phase)
    {
        var plan = Plan();

        Assert.Equal(StartStep.AnswerStatus, StudyStart.Decide(plan.StudyId, plan, plan, phase));
    }

    [Fact]
    public void A_different_spec_under_a_name_that_holds_a_study_is_a_conflict()
    {
        var stored = Plan();
        var other = Plan(SpecTestData.Valid() with { Scheduler = new() { MinEpochs = 1, MaxEpochs = 8, Eta = 2 } });

        Assert.Throws<StudySpecConflictException>(() => StudyStart.Decide(stored.StudyId, stored, other, SweepPhase.Running));
    }

    [Fact]
    public void The_spec_a_study_grew_from_continues_the_grown_study()
    {
        var original = Plan(SpecTestData.Valid() with { Search = new() { Kind = SearchKind.Tpe, Count = 4, Startup = 2 } });
        var grown = PlanGrowth.Grow(original, new StudyGrowth(6)).Plan!;

        Assert.Equal(StartStep.AnswerStatus, StudyStart.Decide(original.StudyId, grown, original, SweepPhase.Running));
    }

    [Fact]
    public void A_plan_sent_to_another_studys_sweep_is_refused_before_anything_is_stored()
    {
        var plan = Plan();

        var e = Assert.Throws<ArgumentException>(() => StudyStart.Decide("elsewhere", stored: null, plan, SweepPhase.NotStarted));

        Assert.Contains("was sent to sweep 'elsewhere'", e.Message, StringComparison.Ordinal);
    }
}

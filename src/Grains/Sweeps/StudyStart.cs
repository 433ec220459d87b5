namespace LensSweep.Grains.Sweeps;

/// <summary>What a start request does to a study, from what it has stored.</summary>
public enum StartStep
{
    /// <summary>A new study: its plan is stored, then it runs.</summary>
    StorePlan,

    /// <summary>The plan is stored but the study never ran (a crash between the two writes): it runs now.</summary>
    Run,

    /// <summary>The study has started already; starting it again only answers its status.</summary>
    AnswerStatus,
}

/// <summary>
/// The rules of starting a study, pure: the plan must be valid for the study's id, and a study that exists
/// may be started again only with its own spec or the spec it grew from (<see cref="PlanGrowth.IsGrowthOf"/>),
/// which then continues it rather than starting it over.
/// </summary>
public static class StudyStart
{
    /// <summary>The step for starting <paramref name="plan"/> as study <paramref name="studyId"/>, whose stored
    /// plan (null when none) and phase are given. Throws <see cref="ArgumentException"/> listing a plan's
    /// problems, and <see cref="StudySpecConflictException"/> when the study exists with another spec.</summary>
    public static StartStep Decide(string studyId, SweepPlan? stored, SweepPlan plan, SweepPhase phase)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.ProblemsFor(studyId) is { Count: > 0 } problems)
        {
            throw new ArgumentException($"Study '{plan.StudyId}' cannot start: {string.Join("; ", problems)}.", nameof(plan));
        }

        if (stored is null)
        {
            return StartStep.StorePlan;
        }

        if (!stored.IsSameStudyAs(plan) && !PlanGrowth.IsGrowthOf(stored, plan))
        {
            throw new StudySpecConflictException($"Study '{studyId}' already exists with a different spec; choose another name.");
        }

        return phase == SweepPhase.NotStarted ? StartStep.Run : StartStep.AnswerStatus;
    }
}

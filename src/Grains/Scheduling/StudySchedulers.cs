using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Scheduling;

/// <summary>Builds the scheduler a study's <c>scheduler</c> section asks for.</summary>
public static class StudySchedulers
{
    /// <summary>A fresh scheduler for <paramref name="trialCount"/> trials (see <see cref="StudySpec.ExpandTrials"/>).</summary>
    public static IPersistentStudyScheduler Create(SchedulerOptions options, int trialCount, int repeats)
    {
        ArgumentNullException.ThrowIfNull(options);
        return repeats <= 1
            ? Create(options, trialCount)
            : RepeatedArmsScheduler.Create(arms => Create(options, arms), trialCount / repeats, repeats);
    }

    /// <inheritdoc cref="Create(SchedulerOptions, int)"/>
    public static IPersistentStudyScheduler Create(SchedulerOptions options, int trialCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind == SchedulerKind.None
            ? new FullBudgetScheduler(options.MaxEpochs, trialCount)
            : new AshaScheduler(options.ToAshaOptions(), trialCount);
    }

    /// <inheritdoc cref="Create(SchedulerOptions, int)"/>
    public static IPersistentStudyScheduler Create(StudySpec spec, int trialCount)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Create(spec.Scheduler, trialCount);
    }

    /// <summary>The scheduler that <paramref name="snapshot"/> was taken from, given the same options.</summary>
    public static IPersistentStudyScheduler Restore(SchedulerOptions options, SchedulerSnapshot snapshot, int repeats)
    {
        ArgumentNullException.ThrowIfNull(options);
        return repeats <= 1
            ? Restore(options, snapshot)
            : RepeatedArmsScheduler.Restore(arms => Restore(options, arms), repeats, snapshot);
    }

    /// <inheritdoc cref="Restore(SchedulerOptions, SchedulerSnapshot, int)"/>
    public static IPersistentStudyScheduler Restore(SchedulerOptions options, SchedulerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind == SchedulerKind.None
            ? FullBudgetScheduler.Restore(options.MaxEpochs, snapshot)
            : AshaScheduler.Restore(options.ToAshaOptions(), snapshot);
    }

    /// <inheritdoc cref="Restore(SchedulerOptions, SchedulerSnapshot)"/>
    public static IPersistentStudyScheduler Restore(StudySpec spec, SchedulerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Restore(spec.Scheduler, snapshot);
    }
}

namespace LensSweep.Grains.Scheduling;

/// <summary>A study scheduler whose state the sweep grain can persist and rebuild.</summary>
public interface IPersistentStudyScheduler : IStudyScheduler
{
    /// <summary>The epoch budget of each rung, rung 0 first.</summary>
    IReadOnlyList<int> RungBudgets { get; }

    /// <summary>All decisions and results so far, as plain data (O(trials started)).</summary>
    SchedulerSnapshot Snapshot();
}

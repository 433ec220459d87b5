using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// A study's coordinator (key: the study id). Persists its plan and its rung table, asks its bookkeeping
/// (<see cref="StudyBook"/>, over the pure scheduler) what runs next whenever a leased device slot frees, and
/// persists every decision before it sends it. Reports are idempotent per (trial, rung, attempt).
/// </summary>
[Alias("lenssweep.ISweepGrain")]
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Starts the study (see <see cref="StudyStart"/>). Starting it again with the same plan, or with
    /// the plan it grew from, only answers its status; with a different plan, a
    /// <see cref="StudySpecConflictException"/>. A plan with problems is refused with an
    /// <see cref="ArgumentException"/> listing them all.</summary>
    [Alias("Start")]
    Task<SweepStatus> StartAsync(SweepPlan plan);

    /// <summary>Cancels the study: running trials stop and every slot it holds is released.</summary>
    [Alias("Cancel")]
    Task<SweepStatus> CancelAsync(string reason);

    [Alias("GetStatus")]
    Task<SweepStatus> GetStatusAsync();

    /// <summary>Grows the started study (<see cref="StudyGrowth"/>): its trials keep their results, the new
    /// ones are numbered after them, and a finished study runs again, its rungs carrying on. Returns once
    /// the grown plan is stored. Asking for a size it already has changes nothing.</summary>
    /// <exception cref="ArgumentException">The study has not started, was cancelled, or cannot grow so; the
    /// message lists every reason.</exception>
    [Alias("Grow")]
    Task<SweepStatus> GrowAsync(StudyGrowth growth);

    /// <summary>The best <paramref name="top"/> trials by the study's metric, one entry per trial.</summary>
    [Alias("GetLeaderboard")]
    Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(int top);

    /// <summary>The configuration of every trial that has one, by trial number: every trial of a grid or
    /// random study, the started ones of a TPE study (the rest are proposed as slots free); empty until the
    /// study starts. A watcher reads it to name each running trial and the hyperparameters that tell trials
    /// apart, before any trial has a score, and reads it again when a trial it does not know runs.</summary>
    [Alias("GetTrialConfigsByTrial")]
    Task<IReadOnlyDictionary<int, TrialConfig>> GetTrialConfigsAsync();

    /// <summary>A trial finished (or failed) a rung. Returns once the report is queued; it is applied,
    /// persisted and acted on in the next batch.</summary>
    [Alias("ReportRung")]
    Task ReportRungAsync(RungReport report);

    /// <summary>Something the study relies on changed (a trial handed its slot back, a silo left the
    /// cluster): re-check every lease and running trial now rather than at the next reconcile reminder.
    /// Returns once the pass is queued.</summary>
    [Alias("RequestReconcile")]
    Task RequestReconcileAsync(string reason);
}

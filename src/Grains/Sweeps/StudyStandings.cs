using LensSweep.Grains.Devices;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// The read model of a study: trial counts by state, the slots and who is on them, the best trial and
/// the leaderboard, ranked by <see cref="TrialRanking"/>. A trial's ranking key is the score of its latest
/// reported rung and that rung's epochs (not the epochs a running trial has trained since, which no score
/// stands behind yet).
/// </summary>
/// <param name="rangeScales">The plan's <see cref="SweepPlan.RangeScales"/>, computed once per plan by its book
/// (<see cref="StudyBook.RangeScales"/>); computed here when null.</param>
public sealed class StudyStandings(SweepPlan plan, IReadOnlyDictionary<int, TrialRecord> trials, IReadOnlyList<int> rungBudgets, IReadOnlyDictionary<string, bool>? rangeScales = null)
{
    /// <summary>The status of a study that has no plan yet.</summary>
    public static SweepStatus Unstarted(string studyId, SweepProgressState state, DateTimeOffset? startedAt)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new SweepStatus(studyId, state.Phase, 0, new TrialCounts(0, 0, 0, 0, 0, 0, 0), [], null, "", startedAt, state.FinishedAt, state.CancelReason);
    }

    public SweepStatus Status(SweepProgressState state, DateTimeOffset? startedAt, bool deciding)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new SweepStatus(
            plan.StudyId, state.Phase, plan.TrialCount, Counts(state.Phase == SweepPhase.Cancelled), Slots(state.Leases), Best(),
            plan.Scheduler.Metric, startedAt, state.FinishedAt, state.CancelReason)
        {
            Mode = plan.Scheduler.Mode,
            Deciding = deciding,
            Repeats = plan.Repeats,
            MaxConcurrentTrials = plan.MaxConcurrentTrials,
            Probe = plan.Probe,
            RangeScales = rangeScales ?? plan.RangeScales(),
        };
    }

    /// <summary>Trials by state; in a cancelled study the never-started ones count as cancelled.</summary>
    public TrialCounts Counts(bool cancelled)
    {
        var byStatus = trials.Values.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        int Count(TrialStatus status) => byStatus.GetValueOrDefault(status);
        var neverStarted = plan.TrialCount - trials.Count;
        return new TrialCounts(
            cancelled ? 0 : neverStarted,
            Count(TrialStatus.Running) + Count(TrialStatus.Promoted),
            Count(TrialStatus.Paused),
            Count(TrialStatus.Stopped),
            Count(TrialStatus.Completed),
            Count(TrialStatus.Failed),
            Count(TrialStatus.Cancelled) + (cancelled ? neverStarted : 0));
    }

    /// <summary>Each held slot and the active trial bound to it.</summary>
    public IReadOnlyList<SlotUse> Slots(IEnumerable<SlotLease> leases)
    {
        var boundTo = trials.Where(t => t.Value.LeaseId is not null && t.Value.Status.IsActive()).ToDictionary(t => t.Value.LeaseId!.Value, t => t.Key);
        return leases.Select(l => boundTo.TryGetValue(l.Id, out var trial)
            ? new SlotUse(l.Slot, trial) { LastScore = trials[trial].Scores is { Count: > 0 } scores ? scores[^1] : null }
            : new SlotUse(l.Slot, null)).ToList();
    }

    /// <summary>The leaderboard's first scored entry, found in one pass (status is asked for often).</summary>
    public LeaderboardEntry? Best()
    {
        KeyValuePair<int, TrialRecord>? best = null;
        foreach (var entry in trials)
        {
            if (entry.Value.Scores.Count > 0 && (best is not { } b || TrialRanking.Compare(Key(entry), Key(b), plan.Scheduler.Mode) < 0))
            {
                best = entry;
            }
        }

        return best is { } top && double.IsFinite(top.Value.Scores[^1]) ? Entry(top.Key, top.Value) : null;
    }

    /// <summary>Every trial that has started, scored or not, in <see cref="TrialRanking"/>'s order: a failed
    /// trial is listed (last, with its reason) rather than left out.</summary>
    public IEnumerable<LeaderboardEntry> Leaderboard() =>
        TrialRanking.Order(trials, Key, plan.Scheduler.Mode).Select(t => Entry(t.Key, t.Value));

    private RankingKey Key(KeyValuePair<int, TrialRecord> trial) =>
        trial.Value.Scores.Count is var rungs and > 0
            ? new(trial.Key, trial.Value.Scores[^1], rungBudgets[rungs - 1])
            : new(trial.Key, double.NaN, 0);

    private LeaderboardEntry Entry(int trial, TrialRecord record)
    {
        var failed = record.Status == TrialStatus.Failed;
        return new(trial, plan.ConfigOf(trial, record), record.Status, Math.Max(record.Scores.Count - 1, 0), record.EpochsDone,
            record.Scores.Count > 0 ? record.Scores[^1] : double.NaN, record.LastScores, record.Cost)
        {
            Rungs = [.. record.Scores.Select((score, rung) => new RungPoint(
                rungBudgets[rung], score, rung < record.RungCosts.Count ? record.RungCosts[rung] : null)
            {
                Scores = rung < record.RungScores.Count ? record.RungScores[rung] : null,
            })],
            InitialScores = record.InitialScores,
            FailureReason = failed ? record.FailureReason : null,
            FailedRung = failed ? record.Rung : null,
        };
    }
}

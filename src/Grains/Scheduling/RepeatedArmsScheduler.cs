namespace LensSweep.Grains.Scheduling;

/// <summary>
/// <c>"repeats": R</c>: each configuration (an arm) runs as R trials with different seeds, numbered
/// <c>arm·R + r</c>. The inner scheduler (ASHA, or every trial to R) sees arms, not trials: an arm runs a rung
/// when all its repeats run it, reports the mean of its repeats' scores once every repeat has reported, and
/// fails when any repeat fails — so repeats are promoted or stopped together, ranked by their mean.
/// </summary>
/// <remarks>
/// The inner scheduler is asked for a decision only when the runs of its previous one have all been handed
/// out, so at most one arm's runs are ever waiting: that keeps a restored scheduler's order the original's.
/// </remarks>
public sealed class RepeatedArmsScheduler : IPersistentStudyScheduler
{
    private readonly IPersistentStudyScheduler arms;
    private readonly int repeats;
    private readonly int trialCount;
    private readonly Queue<SchedulerDecision.Run> waiting = new();
    private readonly SortedDictionary<int, ArmTrial> trials = [];
    private readonly HashSet<int> failedArms = [];

    private RepeatedArmsScheduler(IPersistentStudyScheduler arms, int repeats, int trialCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        this.arms = arms;
        this.repeats = repeats;
        this.trialCount = trialCount;
    }

    /// <summary>A fresh scheduler; <paramref name="createArms"/> builds the inner one for a number of arms.</summary>
    public static RepeatedArmsScheduler Create(Func<int, IPersistentStudyScheduler> createArms, int configurations, int repeats)
    {
        ArgumentNullException.ThrowIfNull(createArms);
        return new(createArms(configurations), repeats, configurations * repeats);
    }

    /// <summary>Rebuilds the scheduler from its trials (as the sweep keeps them): the arms' state follows
    /// from their repeats', and the runs the last arm decision still owes are queued again.</summary>
    public static RepeatedArmsScheduler Restore(Func<SchedulerSnapshot, IPersistentStudyScheduler> restoreArms, int repeats, SchedulerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(restoreArms);
        ArgumentNullException.ThrowIfNull(snapshot);
        var configurations = snapshot.TrialCount / repeats;
        var byArm = snapshot.Trials.GroupBy(t => t.Trial / repeats).OrderBy(g => g.Key).ToList();
        var armSnapshots = new List<TrialSnapshot>();
        var owed = new List<(int Arm, int Rung)>();
        foreach (var arm in byArm)
        {
            var rung = arm.Max(t => t.Rung);
            var failed = arm.Any(t => t.HasFailed);
            var scores = Enumerable.Range(0, rung + 1)
                .TakeWhile(j => arm.Count() == repeats && arm.All(t => t.Scores.Count > j))
                .Select(j => Mean(arm.Select(t => t.Scores[j])))
                .ToList();
            var running = !failed && scores.Count <= rung;
            armSnapshots.Add(new TrialSnapshot(arm.Key, rung, running, failed, scores));
            if (running)
            {
                owed.Add((arm.Key, rung));
            }
        }

        var nextArm = byArm.Count == 0 ? 0 : byArm[^1].Key + 1;
        var inner = restoreArms(new SchedulerSnapshot(configurations, nextArm, armSnapshots));
        var restored = new RepeatedArmsScheduler(inner, repeats, snapshot.TrialCount);
        foreach (var t in snapshot.Trials)
        {
            restored.trials[t.Trial] = new ArmTrial(t.Rung, t.IsRunning, t.HasFailed, [.. t.Scores]);
        }

        foreach (var arm in byArm.Where(a => a.Any(t => t.HasFailed)))
        {
            restored.failedArms.Add(arm.Key);
        }

        // Only the newest arm decision can still owe runs (see the remarks); queue the repeats not yet started on it.
        foreach (var (arm, rung) in owed)
        {
            foreach (var trial in Enumerable.Range(arm * repeats, repeats))
            {
                if (!restored.trials.TryGetValue(trial, out var state) || state.Rung < rung)
                {
                    restored.waiting.Enqueue(restored.RunOf(trial, rung));
                }
            }
        }

        return restored;
    }

    public IReadOnlyList<int> RungBudgets => arms.RungBudgets;

    public bool IsFinished => waiting.Count == 0 && arms.IsFinished && !trials.Values.Any(t => t.IsRunning);

    public SchedulerDecision Next()
    {
        if (waiting.Count == 0)
        {
            var decision = arms.Next();
            if (decision is not SchedulerDecision.Run run)
            {
                return decision is SchedulerDecision.Finished && trials.Values.Any(t => t.IsRunning) ? new SchedulerDecision.Wait() : decision;
            }

            foreach (var trial in Enumerable.Range(run.Trial * repeats, repeats))
            {
                waiting.Enqueue(run with { Trial = trial });
            }
        }

        var next = waiting.Dequeue();
        var known = trials.GetValueOrDefault(next.Trial);
        trials[next.Trial] = new ArmTrial(next.Rung, IsRunning: true, HasFailed: false, known?.Scores ?? []);
        return next;
    }

    public void Report(int trial, int rung, double score)
    {
        if (!trials.TryGetValue(trial, out var state) || state.Rung != rung || state.Scores.Count > rung)
        {
            return;
        }

        state.Scores.Add(score);
        trials[trial] = state with { IsRunning = false };
        var arm = trial / repeats;
        if (failedArms.Contains(arm))
        {
            return;
        }

        var repeatsOfArm = Enumerable.Range(arm * repeats, repeats).Select(t => trials.GetValueOrDefault(t)).ToList();
        if (repeatsOfArm.All(t => t is not null && t.Scores.Count > rung))
        {
            arms.Report(arm, rung, Mean(repeatsOfArm.Select(t => t!.Scores[rung])));
        }
    }

    public void Fail(int trial, int rung)
    {
        if (!trials.TryGetValue(trial, out var state) || state.Rung != rung || state.HasFailed)
        {
            return;
        }

        trials[trial] = state with { IsRunning = false, HasFailed = true };
        var arm = trial / repeats;
        if (failedArms.Add(arm))
        {
            arms.Fail(arm, rung);

            // Its repeats not yet started on this rung would train for an arm that can no longer be promoted.
            var kept = waiting.Where(r => r.Trial / repeats != arm).ToList();
            waiting.Clear();
            kept.ForEach(waiting.Enqueue);
        }
    }

    public SchedulerSnapshot Snapshot() => new(
        trialCount,
        trials.Count == 0 ? 0 : trials.Keys.Max() + 1,
        [.. trials.Select(t => new TrialSnapshot(t.Key, t.Value.Rung, t.Value.IsRunning, t.Value.HasFailed, [.. t.Value.Scores]))]);

    /// <summary>The mean the inner scheduler ranks an arm by (NaN when any repeat's score is NaN: unranked, as a single trial's would be).</summary>
    public static double Mean(IEnumerable<double> scores) => scores.Average();

    private SchedulerDecision.Run RunOf(int trial, int rung) =>
        new(trial, rung, rung == 0 ? 0 : RungBudgets[rung - 1], RungBudgets[rung], IsPromotion: rung > 0);

    private sealed record ArmTrial(int Rung, bool IsRunning, bool HasFailed, List<double> Scores);
}

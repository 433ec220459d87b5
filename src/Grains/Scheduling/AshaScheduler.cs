namespace LensSweep.Grains.Scheduling;

/// <summary>
/// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning",
/// MLSys 2020), as a pure, deterministic class. Rung k trains to min(r·eta^k, R) epochs. When a device
/// slot frees, <see cref="Next"/> promotes the best not-yet-promoted trial in the top ⌊n_k/eta⌋ of the
/// highest rung k that has one (n_k = results reported at rung k); otherwise it starts the next new trial
/// at rung 0; otherwise it answers Wait while any trial runs, and Finished when none does.
/// </summary>
/// <remarks>
/// End game: with a finite search space the ⌊n_k/eta⌋ rule can leave a study with no trial at R (six
/// trials, eta 2: 6 → 3 → 1 → ⌊1/2⌋ = 0), so the study would end without one fully trained model. When
/// nothing else can run and no trial has reached R, the best not-yet-promoted trial of the highest rung
/// that has one is promoted; repeated, this carries the study's best trial to R. (Ray Tune's percentile
/// cut-off has the same effect: a lone trial at a rung meets its own cut-off.)
/// </remarks>
/// <remarks>
/// Ranking: a higher score is better in <see cref="MetricMode.Max"/>, a lower one in
/// <see cref="MetricMode.Min"/>; a NaN score ranks below every number; equal scores rank the lower
/// trial number first. A promoted trial resumes from its checkpoint: its run goes from the budget of the
/// rung it finished to the next rung's budget. <see cref="Report"/> is idempotent per (trial, rung): the
/// first report counts and repeats are ignored. A failed trial's earlier results keep counting towards
/// n_k and the cut-offs (they were real measurements) but it never runs again. Cost: Report O(log n),
/// Next O(K log n) for K rungs.
/// </remarks>
public sealed class AshaScheduler : IPersistentStudyScheduler
{
    private readonly AshaOptions options;
    private readonly int[] budgets;
    private readonly RungRanking[] rankings;
    private readonly int trialCount;
    private readonly int[] rungOf;
    private readonly int[] reported;
    private readonly bool[] running;
    private readonly bool[] failed;
    private readonly double[] scores;
    private int nextNew;
    private int runningCount;

    public AshaScheduler(AshaOptions options, int trialCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(trialCount);
        this.options = options;
        budgets = [.. options.RungBudgets()];
        this.trialCount = trialCount;
        rungOf = new int[trialCount];
        Array.Fill(rungOf, -1);
        reported = new int[trialCount];
        running = new bool[trialCount];
        failed = new bool[trialCount];
        scores = new double[trialCount * budgets.Length];

        // The last rung promotes nobody, so it needs no ranking.
        rankings = new RungRanking[budgets.Length - 1];
        for (int k = 0; k < rankings.Length; k++)
        {
            int rung = k;
            rankings[k] = new RungRanking(options.Eta, trial => !failed[trial] && rungOf[trial] == rung);
        }
    }

    public IReadOnlyList<int> RungBudgets => budgets;

    /// <summary>Trials decided but not yet reported or failed.</summary>
    public int RunningCount => runningCount;

    public bool IsFinished => runningCount == 0 && FirstNewTrial() >= trialCount && !HasPromotion() && !TryEndGamePromotion(out _, out _);

    public SchedulerDecision Next()
    {
        for (int k = rankings.Length - 1; k >= 0; k--)
        {
            if (rankings[k].TryBestEligible(out var best))
            {
                rankings[k].MakeIneligible(best);
                Start(best.Trial, k + 1);
                return new SchedulerDecision.Run(best.Trial, k + 1, budgets[k], budgets[k + 1], IsPromotion: true);
            }
        }

        nextNew = FirstNewTrial();
        if (nextNew < trialCount)
        {
            int trial = nextNew++;
            Start(trial, 0);
            return new SchedulerDecision.Run(trial, 0, 0, budgets[0], IsPromotion: false);
        }

        if (runningCount > 0)
        {
            return new SchedulerDecision.Wait();
        }

        if (TryEndGamePromotion(out var rung, out var trialToFinish))
        {
            rankings[rung].MakeIneligible(trialToFinish);
            Start(trialToFinish.Trial, rung + 1);
            return new SchedulerDecision.Run(trialToFinish.Trial, rung + 1, budgets[rung], budgets[rung + 1], IsPromotion: true);
        }

        return new SchedulerDecision.Finished();
    }

    public void Report(int trial, int rung, double score)
    {
        CheckRange(trial, rung);
        if (reported[trial] > rung || failed[trial])
        {
            return;
        }

        if (!running[trial] || rungOf[trial] != rung)
        {
            throw new InvalidOperationException(
                $"Trial {trial} reported rung {rung}, but it was not running that rung (its rung: {rungOf[trial]}, running: {running[trial]}).");
        }

        running[trial] = false;
        runningCount--;
        scores[(trial * budgets.Length) + rung] = score;
        reported[trial] = rung + 1;
        if (rung < rankings.Length)
        {
            rankings[rung].Add(new RankedTrial(KeyOf(score), trial));
        }
    }

    /// <summary>The trial failed or was cancelled at <paramref name="rung"/> (running it, or waiting
    /// at it for a promotion; a trial that never started may be failed at rung 0). A failure for a rung
    /// the trial has already left is stale and ignored; repeats are ignored.</summary>
    public void Fail(int trial, int rung)
    {
        CheckRange(trial, rung);
        bool notStarted = rungOf[trial] < 0;
        if (failed[trial] || (!notStarted && rungOf[trial] != rung))
        {
            return;
        }

        if (running[trial])
        {
            running[trial] = false;
            runningCount--;
        }
        else if (!notStarted && rung < rankings.Length && reported[trial] > rung)
        {
            rankings[rung].MakeIneligible(new RankedTrial(KeyOf(scores[(trial * budgets.Length) + rung]), trial));
        }

        failed[trial] = true;
    }

    public SchedulerSnapshot Snapshot()
    {
        var trials = new List<TrialSnapshot>();
        for (int t = 0; t < trialCount; t++)
        {
            if (rungOf[t] >= 0 || failed[t])
            {
                trials.Add(new TrialSnapshot(t, rungOf[t], running[t], failed[t],
                    scores.AsSpan(t * budgets.Length, reported[t]).ToArray()));
            }
        }

        return new SchedulerSnapshot(trialCount, nextNew, trials);
    }

    /// <summary>Rebuilds the scheduler a snapshot was taken from; it then decides exactly as the original
    /// would have (the rung rankings depend only on the set of results, not their arrival order).</summary>
    public static AshaScheduler Restore(AshaOptions options, SchedulerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var scheduler = new AshaScheduler(options, snapshot.TrialCount);
        scheduler.Load(snapshot);
        return scheduler;
    }

    private void Load(SchedulerSnapshot snapshot)
    {
        nextNew = snapshot.NextNewTrial;
        foreach (var t in snapshot.Trials)
        {
            if (t.Trial < 0 || t.Trial >= trialCount || t.Rung < -1 || t.Rung >= budgets.Length
                || t.Scores.Count > t.Rung + 1 || (t.IsRunning && t.Scores.Count != t.Rung))
            {
                throw new ArgumentException(
                    $"Snapshot entry for trial {t.Trial} (rung {t.Rung}, {t.Scores.Count} scores, running {t.IsRunning}) does not fit {trialCount} trials and {budgets.Length} rungs.",
                    nameof(snapshot));
            }

            rungOf[t.Trial] = t.Rung;
            running[t.Trial] = t.IsRunning && !t.HasFailed;
            failed[t.Trial] = t.HasFailed;
            reported[t.Trial] = t.Scores.Count;
            runningCount += running[t.Trial] ? 1 : 0;
            for (int k = 0; k < t.Scores.Count; k++)
            {
                scores[(t.Trial * budgets.Length) + k] = t.Scores[k];
            }
        }

        // Eligibility reads the arrays above, so rankings are filled only once every trial is loaded.
        foreach (var t in snapshot.Trials)
        {
            for (int k = 0; k < t.Scores.Count && k < rankings.Length; k++)
            {
                rankings[k].Add(new RankedTrial(KeyOf(t.Scores[k]), t.Trial));
            }
        }
    }

    private void Start(int trial, int rung)
    {
        rungOf[trial] = rung;
        running[trial] = true;
        runningCount++;
    }

    private int FirstNewTrial()
    {
        int t = nextNew;
        while (t < trialCount && failed[t])
        {
            t++;
        }

        return t;
    }

    private bool HasPromotion()
    {
        foreach (var ranking in rankings)
        {
            if (ranking.TryBestEligible(out _))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>See the end game in the class remarks. Only reached when nothing runs or waits, so its
    /// O(n) scans run a handful of times per study, not per decision.</summary>
    private bool TryEndGamePromotion(out int rung, out RankedTrial best)
    {
        rung = -1;
        best = default;
        int last = budgets.Length - 1;
        for (int t = 0; t < trialCount; t++)
        {
            if (reported[t] > last)
            {
                return false;
            }
        }

        for (int k = rankings.Length - 1; k >= 0; k--)
        {
            int atRung = k;
            foreach (var entry in rankings[k].All)
            {
                if (!failed[entry.Trial] && rungOf[entry.Trial] == atRung)
                {
                    rung = k;
                    best = entry;
                    return true;
                }
            }
        }

        return false;
    }

    private double KeyOf(double score) =>
        double.IsNaN(score) ? double.PositiveInfinity : options.Mode == MetricMode.Max ? -score : score;

    private void CheckRange(int trial, int rung)
    {
        if ((uint)trial >= (uint)trialCount)
        {
            throw new ArgumentOutOfRangeException(nameof(trial), trial, $"The study has trials 0..{trialCount - 1}.");
        }

        if ((uint)rung >= (uint)budgets.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(rung), rung, $"The study has rungs 0..{budgets.Length - 1}.");
        }
    }
}

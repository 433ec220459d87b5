namespace LensSweep.Grains.Scheduling;

/// <summary>
/// <c>scheduler: none</c>: every trial trains straight to R in one run, in trial order, the baseline
/// that shows what ASHA saves. It is ASHA with a single rung (r = R), which never promotes.
/// </summary>
public sealed class FullBudgetScheduler : IPersistentStudyScheduler
{
    private readonly AshaScheduler singleRung;

    public FullBudgetScheduler(int maxEpochs, int trialCount)
        : this(new AshaScheduler(SingleRung(maxEpochs), trialCount))
    {
    }

    private FullBudgetScheduler(AshaScheduler singleRung) => this.singleRung = singleRung;

    public IReadOnlyList<int> RungBudgets => singleRung.RungBudgets;

    public bool IsFinished => singleRung.IsFinished;

    public SchedulerDecision Next() => singleRung.Next();

    public void Report(int trial, int rung, double score) => singleRung.Report(trial, rung, score);

    public void Fail(int trial, int rung) => singleRung.Fail(trial, rung);

    public SchedulerSnapshot Snapshot() => singleRung.Snapshot();

    /// <summary>Rebuilds the scheduler a snapshot was taken from.</summary>
    public static FullBudgetScheduler Restore(int maxEpochs, SchedulerSnapshot snapshot) =>
        new(AshaScheduler.Restore(SingleRung(maxEpochs), snapshot));

    private static AshaOptions SingleRung(int maxEpochs) => new(maxEpochs, maxEpochs, Eta: 2);
}

namespace LensSweep.Reporting.Studies;

/// <summary>How many of a study's trials are in each state.</summary>
public sealed record PhaseCounts(int Waiting, int Running, int Paused, int Stopped, int Completed, int Failed)
{
    public static PhaseCounts Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public int Total => Waiting + Running + Paused + Stopped + Completed + Failed;

    /// <summary>Each state with its count, in the order the watch and the study page print them.</summary>
    public IReadOnlyList<(TrialPhase Phase, int Count)> Ordered() =>
        [(TrialPhase.Waiting, Waiting), (TrialPhase.Running, Running), (TrialPhase.Paused, Paused),
         (TrialPhase.Stopped, Stopped), (TrialPhase.Completed, Completed), (TrialPhase.Failed, Failed)];

    public static PhaseCounts Of(IEnumerable<TrialPhase> states)
    {
        var list = states.ToList();
        int Count(TrialPhase state) => list.Count(s => s == state);
        return new PhaseCounts(
            Count(TrialPhase.Waiting),
            Count(TrialPhase.Running),
            Count(TrialPhase.Paused),
            Count(TrialPhase.Stopped),
            Count(TrialPhase.Completed),
            Count(TrialPhase.Failed));
    }
}

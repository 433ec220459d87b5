namespace LensSweep.Reporting.Studies;

/// <summary>How many of a study's trials are in each state.</summary>
public sealed record TrialCounts(int Waiting, int Running, int Paused, int Stopped, int Completed, int Failed)
{
    public static TrialCounts Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public int Total => Waiting + Running + Paused + Stopped + Completed + Failed;

    public static TrialCounts Of(IEnumerable<TrialState> states)
    {
        var list = states.ToList();
        int Count(TrialState state) => list.Count(s => s == state);
        return new TrialCounts(
            Count(TrialState.Waiting),
            Count(TrialState.Running),
            Count(TrialState.Paused),
            Count(TrialState.Stopped),
            Count(TrialState.Completed),
            Count(TrialState.Failed));
    }
}

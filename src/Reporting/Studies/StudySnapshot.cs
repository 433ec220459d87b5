
namespace LensSweep.Reporting.Studies;

/// <summary>A study's state at one moment, as the live watch view draws it.</summary>
/// <param name="SlotsBusy">Device slots currently held by this study's trials.</param>
/// <param name="SlotsTotal">Device slots the cluster advertises.</param>
public sealed record StudySnapshot(
    StudySummary Study,
    int SlotsBusy,
    int SlotsTotal,
    IReadOnlyList<LiveTrial> Trials)
{
    /// <summary>The cluster stopped answering; this is the last state seen while the watch reconnects.</summary>
    public bool Reconnecting { get; init; }

    public bool IsFinished => Study.State is StudyState.Completed or StudyState.Failed or StudyState.Cancelled;
}

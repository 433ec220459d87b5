namespace LensSweep.Grains.Trials;

/// <summary>Where a trial is in its life. Terminal: <see cref="Stopped"/>, <see cref="Completed"/>,
/// <see cref="Failed"/>, <see cref="Cancelled"/>.</summary>
[GenerateSerializer, Alias("lenssweep.TrialStatus")]
public enum TrialStatus
{
    /// <summary>Never started: waits for a device slot.</summary>
    Pending,

    /// <summary>Training towards the budget of its current rung.</summary>
    Running,

    /// <summary>Finished a rung and reported it; ASHA may still promote it.</summary>
    Paused,

    /// <summary>ASHA promoted it to the next rung; it resumes from its checkpoint as soon as its slot's worker takes it.</summary>
    Promoted,

    /// <summary>The study ended without promoting it further (ASHA's early stop).</summary>
    Stopped,

    /// <summary>Trained to the study's maximum budget.</summary>
    Completed,

    /// <summary>Training threw; the reason is kept.</summary>
    Failed,

    /// <summary>The study was cancelled while this trial was unfinished.</summary>
    Cancelled,
}

public static class TrialStatusExtensions
{
    public static bool IsTerminal(this TrialStatus status) =>
        status is TrialStatus.Stopped or TrialStatus.Completed or TrialStatus.Failed or TrialStatus.Cancelled;

    public static bool IsActive(this TrialStatus status) => status is TrialStatus.Running or TrialStatus.Promoted;
}

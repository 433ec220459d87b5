namespace LensSweep.Reporting.Studies;

/// <summary>Where a trial stands, as the console shows it.</summary>
public enum TrialPhase
{
    /// <summary>Expanded from the search space, not yet given a device slot.</summary>
    Waiting,

    /// <summary>Holds a device slot and trains toward its rung's budget.</summary>
    Running,

    /// <summary>Finished a rung and waits for ASHA to promote or stop it.</summary>
    Paused,

    /// <summary>Stopped early by ASHA: its score was not in the top 1/eta of its rung.</summary>
    Stopped,

    /// <summary>Trained to the maximum budget.</summary>
    Completed,

    Failed,
}

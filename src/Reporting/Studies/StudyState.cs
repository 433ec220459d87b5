namespace LensSweep.Reporting.Studies;

/// <summary>Where a study stands, as the console shows it.</summary>
public enum StudyState
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}

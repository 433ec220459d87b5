namespace LensSweep.Grains.Sweeps;

/// <summary>A study was started under a name that already holds a study with a different spec.</summary>
[GenerateSerializer, Alias("lenssweep.StudySpecConflictException")]
public sealed class StudySpecConflictException : Exception
{
    public StudySpecConflictException()
    {
    }

    public StudySpecConflictException(string message)
        : base(message)
    {
    }

    public StudySpecConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace LensSweep.Client;

/// <summary>The exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The study (or other work) failed, was cancelled, or was interrupted.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage or input: unknown option, missing argument, unreadable file, unknown study, no cluster.</summary>
    public const int BadInput = 2;
}

namespace LensSweep.Client;

/// <summary>
/// Bad usage or input found while a command runs (a missing file, an unknown study, no cluster to talk to).
/// The console prints <see cref="Exception.Message"/>, every detail, then <see cref="Remedy"/>, and exits
/// with <see cref="ExitCodes.BadInput"/>.
/// </summary>
public sealed class CliInputException(string problem, string remedy, IReadOnlyList<string>? details = null)
    : Exception(problem)
{
    /// <summary>What the user can do about it, phrased as an instruction.</summary>
    public string Remedy { get; } = remedy;

    /// <summary>One line per individual problem, for inputs with several (a spec with many bad fields).</summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];
}

namespace LensSweep.Silo.Hosting;

/// <summary>The silo cannot start as configured; each problem is one line that names the setting and what is wrong.</summary>
public sealed class SiloStartupException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

namespace LensSweep.Models;

/// <summary>
/// One broken rule of a model or optimiser configuration.
/// </summary>
/// <param name="Settings">The configuration properties the rule involves, first the one to change (e.g.
/// <c>Heads</c>, then <c>EmbedDim</c>), so a caller that knows those settings by other names (a study spec)
/// can point at its own field.</param>
/// <param name="Message">The rule and the values that break it, naming the settings by their property names.</param>
public sealed record ConfigProblem(IReadOnlyList<string> Settings, string Message)
{
    public ConfigProblem(string setting, string message) : this([setting], message)
    {
    }
}

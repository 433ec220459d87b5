namespace LensSweep.Grains.Specs;

/// <summary>One thing wrong with a study spec.</summary>
/// <param name="Field">Dotted snake_case path of the key, e.g. <c>search_space.patch_size</c>; <c>$</c> for the whole document.</param>
/// <param name="Value">The offending value as written (or the combination that breaks the rule); null when the key is missing.</param>
/// <param name="Rule">What is wrong, in words a researcher can act on.</param>
public sealed record SpecProblem(string Field, string? Value, string Rule)
{
    public override string ToString() => Value is null ? $"{Field}: {Rule}" : $"{Field} = {Value}: {Rule}";
}

namespace LensSweep.Grains.Storage;

/// <summary>
/// The rules every artifact key follows, whatever the backend: '/'-separated segments of letters, digits
/// and <c>- _ . = +</c>, none empty, none starting with '.' (so keys map onto file names and blob names
/// alike, and the local-folder store can keep its temporary files out of listings).
/// </summary>
public static class ArtifactKeys
{
    public const int MaxLength = 1024;

    /// <summary>Throws an <see cref="ArgumentException"/> that names the key and the rule it breaks.</summary>
    public static void Validate(string key)
    {
        if (Problem(key) is { } problem)
        {
            throw new ArgumentException($"Artifact key '{key}' is not valid: {problem}.", nameof(key));
        }
    }

    /// <summary>What is wrong with the key, or null when it is valid.</summary>
    public static string? Problem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "it is empty";
        }

        if (key.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it has an empty segment (a leading, trailing or doubled '/')";
            }

            if (segment[0] == '.')
            {
                return $"segment '{segment}' starts with '.'";
            }

            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or '+'))
                {
                    return $"segment '{segment}' contains '{c}' (allowed: letters, digits, '-', '_', '.', '=', '+')";
                }
            }
        }

        return null;
    }
}

namespace LensSweep.Silo.Storage;

/// <summary>Rules every artifact key obeys, whatever the backend, so a key valid here is valid in a folder too.</summary>
internal static class ArtifactKey
{
    public static void Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key.Length > 1024)
            throw new ArgumentException($"artifact key '{key}' must have 1 to 1024 characters", nameof(key));
        if (key.Contains('\\') || key.StartsWith('/') || key.EndsWith('/'))
            throw new ArgumentException($"artifact key '{key}' must use '/' between parts and must not start or end with '/'", nameof(key));
        foreach (var part in key.Split('/'))
        {
            if (part.Length == 0 || part is "." or "..")
                throw new ArgumentException($"artifact key '{key}' has an empty, '.' or '..' part", nameof(key));
        }
    }
}

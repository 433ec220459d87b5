namespace LensSweep.Grains.Specs;

/// <summary>Finds the valid key a misspelt one was most likely meant to be.</summary>
internal static class NameSuggester
{
    /// <summary>The nearest candidate by edit distance, or null when none is close enough to be a
    /// plausible typo (at most 2 edits, or a third of the key's length for long keys).</summary>
    public static string? Nearest(string key, IEnumerable<string> candidates)
    {
        string lowered = key.ToLowerInvariant();
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int distance = Levenshtein(lowered, candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

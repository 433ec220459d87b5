namespace LensSweep.Grains.Scheduling;

/// <summary>A reported result ordered best first: smaller key is better, ties go to the lower trial number.</summary>
internal readonly record struct RankedTrial(double Key, int Trial) : IComparable<RankedTrial>
{
    public int CompareTo(RankedTrial other)
    {
        int byKey = Key.CompareTo(other.Key);
        return byKey != 0 ? byKey : Trial.CompareTo(other.Trial);
    }
}

/// <summary>
/// The results of one rung, split so that "the best promotable trial among the top ⌊n/eta⌋" costs
/// O(log n): <c>top</c> always holds exactly the ⌊n/eta⌋ best results, <c>rest</c> the others, and
/// <c>topEligible</c> the part of <c>top</c> not yet promoted or failed. Results are never removed and
/// ⌊n/eta⌋ only grows, so each report moves at most one entry across the boundary in each direction.
/// </summary>
internal sealed class RungRanking(int eta, Func<int, bool> isEligible)
{
    private readonly SortedSet<RankedTrial> top = [];
    private readonly SortedSet<RankedTrial> rest = [];
    private readonly SortedSet<RankedTrial> topEligible = [];

    public int Count => top.Count + rest.Count;

    public IEnumerable<RankedTrial> All => top.Concat(rest);

    public void Add(RankedTrial entry)
    {
        if (top.Count > 0 && entry.CompareTo(top.Max) < 0)
        {
            top.Add(entry);
            if (isEligible(entry.Trial))
            {
                topEligible.Add(entry);
            }
        }
        else
        {
            rest.Add(entry);
        }

        int quota = Count / eta;
        while (top.Count > quota)
        {
            var demoted = top.Max;
            top.Remove(demoted);
            topEligible.Remove(demoted);
            rest.Add(demoted);
        }

        while (top.Count < quota)
        {
            var raised = rest.Min;
            rest.Remove(raised);
            top.Add(raised);
            if (isEligible(raised.Trial))
            {
                topEligible.Add(raised);
            }
        }
    }

    /// <summary>The best entry in the top ⌊n/eta⌋ that may still be promoted.</summary>
    public bool TryBestEligible(out RankedTrial entry)
    {
        entry = topEligible.Min;
        return topEligible.Count > 0;
    }

    /// <summary>The trial was promoted or failed: it stays in the ranking (its result still counts
    /// towards n and the cut-off) but is no longer a candidate.</summary>
    public void MakeIneligible(RankedTrial entry) => topEligible.Remove(entry);
}

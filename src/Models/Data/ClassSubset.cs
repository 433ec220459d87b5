using LensSweep.Models.Simulation;

namespace LensSweep.Models.Data;

/// <summary>Picks at most N items per class: a seeded random subset, so a capped load is not biased to the first files by name.</summary>
internal static class ClassSubset
{
    /// <summary>Keeps the subset's draws apart from the simulator's per-class streams (0, 1, 2).</summary>
    private const int SubsetStream = 0x5EED;

    public static IReadOnlyList<T> Take<T>(IReadOnlyList<T> sortedItems, int? limit, int seed, int classIndex)
    {
        if (limit is null || limit.Value >= sortedItems.Count)
        {
            return sortedItems;
        }

        var order = Enumerable.Range(0, sortedItems.Count).ToArray();
        var random = SeededRandom.Derive(seed, SubsetStream + classIndex, 0);
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = (int)(random.NextUInt64() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order.Take(limit.Value).Order().Select(i => sortedItems[i]).ToArray();
    }
}

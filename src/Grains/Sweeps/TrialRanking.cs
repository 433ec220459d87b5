using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Sweeps;

/// <summary>What a trial is ranked by: its score at the highest rung it reached (NaN before its first
/// rung ends, or when it failed first) and the epochs behind that score.</summary>
public readonly record struct RankingKey(int Trial, double LatestScore, int Epochs);

/// <summary>
/// The one rule that orders a study's trials, used by the sweep's leaderboard and best trial and by the
/// console's leaderboard, table, JSON and CSV alike: the better latest-rung score first (by the study's
/// mode); a trial with no score after every scored one; on a tie the trial trained longer (its score is
/// the better estimate); then the lower trial number, so the order never depends on arrival.
/// </summary>
public static class TrialRanking
{
    /// <summary>Negative when <paramref name="a"/> ranks above <paramref name="b"/>.</summary>
    public static int Compare(RankingKey a, RankingKey b, MetricMode mode)
    {
        if (MetricNames.Better(a.LatestScore, b.LatestScore, mode))
        {
            return -1;
        }

        if (MetricNames.Better(b.LatestScore, a.LatestScore, mode))
        {
            return 1;
        }

        return a.Epochs != b.Epochs ? b.Epochs.CompareTo(a.Epochs) : a.Trial.CompareTo(b.Trial);
    }

    /// <summary>The items best first (a stable sort: equal keys keep their given order).</summary>
    public static IReadOnlyList<T> Order<T>(IEnumerable<T> items, Func<T, RankingKey> key, MetricMode mode)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(key);
        return items.Select(item => (Item: item, Key: key(item)))
            .Order(Comparer<(T Item, RankingKey Key)>.Create((a, b) => Compare(a.Key, b.Key, mode)))
            .Select(pair => pair.Item)
            .ToList();
    }
}

using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// The answers to a study's queries (status, leaderboard, trial configurations), for a study that has
/// started (<paramref name="book"/> over its state) or not (null: no plan, no trials). The standings
/// themselves are <see cref="StudyStandings"/>'.
/// </summary>
public sealed class StudyQueries(string studyId, SweepDefinitionState definition, SweepProgressState state, StudyBook? book)
{
    /// <summary>The study's status; <paramref name="deciding"/> says its pump is working on a batch.</summary>
    public SweepStatus Status(bool deciding) => book is null
        ? StudyStandings.Unstarted(studyId, state, definition.StartedAt)
        : book.Standings.Status(state, definition.StartedAt, deciding);

    /// <summary>The first <paramref name="top"/> entries of the leaderboard; none before the study starts.</summary>
    public IReadOnlyList<LeaderboardEntry> Leaderboard(int top)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        return book is null ? [] : book.Standings.Leaderboard().Take(top).ToList();
    }

    /// <summary>Every trial's configuration known so far, by trial; none before the study starts.</summary>
    public IReadOnlyDictionary<int, TrialConfig> Configurations() =>
        book is null ? new Dictionary<int, TrialConfig>() : book.Configurations();
}

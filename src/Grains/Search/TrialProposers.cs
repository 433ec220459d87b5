using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Search;

/// <summary>Builds the <see cref="ITrialProposer"/> a study's <c>search</c> section asks for.</summary>
public static class TrialProposers
{
    /// <summary>The proposer for a validated spec: TPE ranks by the scheduler's metric and mode.</summary>
    public static ITrialProposer Create(StudySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return AdaptiveSearch.Of(spec) is { } adaptive
            ? adaptive.Proposer(spec.Scheduler.Mode, spec.Seed)
            : new ExpandedProposer(spec.ExpandConfigurations());
    }
}

/// <summary>Grid and random search: configuration n is element n of the expansion, whatever was reported.</summary>
public sealed class ExpandedProposer(IReadOnlyList<TrialConfig> configurations) : ITrialProposer
{
    public int Count => configurations.Count;

    public TrialConfig Propose(int configuration, IReadOnlyList<TrialResult> results) => configurations[configuration];
}

/// <summary>TPE search: <paramref name="count"/> configurations, each proposed from the results so far.</summary>
public sealed class TpeProposer(TpeSampler sampler, int count) : ITrialProposer
{
    public int Count => count;

    public TrialConfig Propose(int configuration, IReadOnlyList<TrialResult> results)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(configuration, count);
        return sampler.Propose(configuration, results);
    }
}

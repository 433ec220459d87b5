using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Search;

/// <summary>
/// What a study whose configurations are proposed one at a time (TPE) carries into its plan instead of an
/// expanded trial list: the search space and the counts the sampler needs, so the sweep can build the same
/// sampler on any silo after any crash.
/// </summary>
/// <param name="Space">The spec's <c>search_space</c>.</param>
/// <param name="Configurations">How many configurations the study proposes (<c>search.count</c>).</param>
/// <param name="Startup">Configurations drawn at random until this many have reported (<c>search.startup</c>).</param>
[GenerateSerializer, Immutable, Alias("lenssweep.AdaptiveSearch")]
public sealed record AdaptiveSearch(
    [property: Id(0)] SearchSpace Space,
    [property: Id(1)] int Configurations,
    [property: Id(2)] int Startup)
{
    /// <summary>The adaptive search a spec asks for; null for grid and random search, which expand up front.</summary>
    public static AdaptiveSearch? Of(StudySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Search.IsAdaptive ? new AdaptiveSearch(spec.SearchSpace, spec.Search.Count, spec.Search.Startup) : null;
    }

    /// <summary>The proposer over this search: TPE ranked by the scheduler's <paramref name="mode"/>, seeded by the study.</summary>
    public TpeProposer Proposer(MetricMode mode, int seed) =>
        new(new TpeSampler(Space, new TpeOptions(Startup), mode, seed), Configurations);
}

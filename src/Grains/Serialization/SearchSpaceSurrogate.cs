using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Serialization;

/// <summary>A search space as grain state holds it (a TPE study's plan): each domain the spec gives, by its
/// spec key, so a hyperparameter declared later needs no new field, and one missing keeps its declaration's
/// default (fixed) domain, unsearched.</summary>
[GenerateSerializer, Alias("lenssweep.SearchSpace")]
public struct SearchSpaceSurrogate
{
    [Id(0)] public Dictionary<string, SearchDomainSurrogate>? Domains;
}

/// <summary>One hyperparameter's domain: a list of <see cref="Values"/>, or, when that is null, a range.</summary>
[GenerateSerializer, Alias("lenssweep.SearchDomain")]
public struct SearchDomainSurrogate
{
    [Id(0)] public double[]? Values;
    [Id(1)] public double Min;
    [Id(2)] public double Max;
    [Id(3)] public int Scale;
}

[RegisterConverter]
public sealed class SearchSpaceSurrogateConverter : IConverter<SearchSpace, SearchSpaceSurrogate>
{
    public SearchSpace ConvertFromSurrogate(in SearchSpaceSurrogate s)
    {
        var space = new SearchSpace();
        foreach (var (key, domain) in s.Domains ?? [])
        {
            var parameter = Hyperparameters.Find(key)
                ?? throw new InvalidOperationException($"The stored search space has '{key}', which is no longer a hyperparameter.");
            if (IsUnsearchedSizeOfOldState(parameter, domain))
            {
                continue;
            }

            space = space.With(parameter, domain.Values is { } values
                ? new ParameterDomain<double>.Values(values)
                : new ParameterDomain<double>.Range(domain.Min, domain.Max, (RangeScale)domain.Scale));
        }

        return space;
    }

    public SearchSpaceSurrogate ConvertToSurrogate(in SearchSpace space)
    {
        var domains = new Dictionary<string, SearchDomainSurrogate>(StringComparer.Ordinal);
        foreach (var parameter in Hyperparameters.All.Where(space.IsSearched))
        {
            domains[parameter.Name] = space.Domain(parameter) switch
            {
                ParameterDomain<double>.Values v => new SearchDomainSurrogate { Values = [.. v.Items] },
                ParameterDomain<double>.Range r => new SearchDomainSurrogate { Min = r.Min, Max = r.Max, Scale = (int)r.Scale },
                var other => throw new InvalidOperationException($"Unknown domain {other}."),
            };
        }

        return new SearchSpaceSurrogate { Domains = domains };
    }

    /// <summary>State written before <see cref="SearchSpace.IsSearched"/> held every key, an unsearched dataset size
    /// as its marker alone; a spec can no longer write that marker (it is refused), so it is read as not given.</summary>
    private static bool IsUnsearchedSizeOfOldState(Hyperparameter parameter, SearchDomainSurrogate domain) =>
        parameter.IsDataSize && domain.Values is [Hyperparameter.DatasetOwn];
}

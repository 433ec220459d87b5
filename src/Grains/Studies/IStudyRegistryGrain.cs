namespace LensSweep.Grains.Studies;

/// <summary>
/// The cluster's list of studies (key <see cref="StudyRegistry.Key"/>): each sweep adds itself when it
/// starts, so 'lenssweep study list' can find studies it did not start itself. Persisted.
/// </summary>
[Alias("lenssweep.IStudyRegistryGrain")]
public interface IStudyRegistryGrain : IGrainWithStringKey
{
    /// <summary>Records a study; adding one twice keeps the first entry.</summary>
    [Alias("Add")]
    Task AddAsync(string studyId, DateTimeOffset startedAt);

    /// <summary>Every study ever started on this cluster, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<RegisteredStudy>> ListAsync();
}

[GenerateSerializer, Immutable, Alias("lenssweep.RegisteredStudy")]
public sealed record RegisteredStudy([property: Id(0)] string StudyId, [property: Id(1)] DateTimeOffset StartedAt);

public static class StudyRegistry
{
    /// <summary>The one registry of a cluster.</summary>
    public const string Key = "cluster";

    public static IStudyRegistryGrain Get(IGrainFactory grains) => grains.GetGrain<IStudyRegistryGrain>(Key);
}

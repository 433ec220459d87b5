namespace LensSweep.Grains.Studies;

/// <summary>
/// The cluster's list of studies (key <see cref="StudyRegistry.Key"/>): each sweep adds itself when it
/// starts, so 'lenssweep study list' can find studies it did not start itself. Persisted.
/// </summary>
[Alias("lenssweep.IStudyRegistryGrain")]
public interface IStudyRegistryGrain : IGrainWithStringKey
{
    /// <summary>Records a study; adding one twice keeps the first start time, and marks an ended study running again.</summary>
    [Alias("Add")]
    Task AddAsync(string studyId, DateTimeOffset startedAt);

    /// <summary>Notes that a study completed or was cancelled, so readers that want only running studies
    /// (the autoscaling metrics) need not wake every study ever run.</summary>
    [Alias("MarkEnded")]
    Task MarkEndedAsync(string studyId, DateTimeOffset endedAt);

    /// <summary>Every study ever started on this cluster, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<RegisteredStudy>> ListAsync();

    /// <summary>Whether the study was ever started on this cluster: one lookup, where <see cref="ListAsync"/> would
    /// send the whole registry to test one id.</summary>
    [Alias("IsListed")]
    Task<bool> IsListedAsync(string studyId);
}

[GenerateSerializer, Immutable, Alias("lenssweep.RegisteredStudy")]
public sealed record RegisteredStudy(
    [property: Id(0)] string StudyId,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset? EndedAt = null)
{
    public bool HasEnded => EndedAt is not null;
}

public static class StudyRegistry
{
    /// <summary>The one registry of a cluster.</summary>
    public const string Key = "cluster";

    public static IStudyRegistryGrain Get(IGrainFactory grains) => grains.GetGrain<IStudyRegistryGrain>(Key);
}

using LensSweep.Grains.Hosting;

namespace LensSweep.Grains.Studies;

/// <inheritdoc cref="IStudyRegistryGrain"/>
public sealed class StudyRegistryGrain(
    [PersistentState("studies", EngineStorage.GrainStorageName)] IPersistentState<StudyRegistryState> state) : Grain, IStudyRegistryGrain
{
    /// <summary>The listed ids, built from the state on first use.</summary>
    private HashSet<string>? _ids;

    private HashSet<string> Ids => _ids ??= [.. state.State.Studies.Select(s => s.StudyId)];

    public async Task AddAsync(string studyId, DateTimeOffset startedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyId);
        var at = state.State.Studies.FindIndex(s => s.StudyId == studyId);
        if (at < 0)
        {
            state.State.Studies.Add(new RegisteredStudy(studyId, startedAt));
            Ids.Add(studyId);
        }
        else if (state.State.Studies[at].HasEnded)
        {
            state.State.Studies[at] = state.State.Studies[at] with { EndedAt = null };
        }
        else
        {
            return;
        }

        await state.WriteStateAsync();
    }

    public async Task MarkEndedAsync(string studyId, DateTimeOffset endedAt)
    {
        var at = state.State.Studies.FindIndex(s => s.StudyId == studyId);
        if (at < 0 || state.State.Studies[at].HasEnded)
        {
            return;
        }

        state.State.Studies[at] = state.State.Studies[at] with { EndedAt = endedAt };
        await state.WriteStateAsync();
    }

    public Task<bool> IsListedAsync(string studyId) => Task.FromResult(studyId is not null && Ids.Contains(studyId));

    public Task<IReadOnlyList<RegisteredStudy>> ListAsync() =>
        Task.FromResult<IReadOnlyList<RegisteredStudy>>([.. state.State.Studies]);
}

[GenerateSerializer, Alias("lenssweep.StudyRegistryState")]
public sealed class StudyRegistryState
{
    [Id(0)] public List<RegisteredStudy> Studies { get; set; } = [];
}

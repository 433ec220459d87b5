using LensSweep.Grains.Hosting;

namespace LensSweep.Grains.Studies;

/// <inheritdoc cref="IStudyRegistryGrain"/>
public sealed class StudyRegistryGrain(
    [PersistentState("studies", EngineStorage.GrainStorageName)] IPersistentState<StudyRegistryState> state) : Grain, IStudyRegistryGrain
{
    public async Task AddAsync(string studyId, DateTimeOffset startedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyId);
        var at = state.State.Studies.FindIndex(s => s.StudyId == studyId);
        if (at < 0)
        {
            state.State.Studies.Add(new RegisteredStudy(studyId, startedAt));
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

    public Task<IReadOnlyList<RegisteredStudy>> ListAsync() =>
        Task.FromResult<IReadOnlyList<RegisteredStudy>>([.. state.State.Studies]);
}

[GenerateSerializer, Alias("lenssweep.StudyRegistryState")]
public sealed class StudyRegistryState
{
    [Id(0)] public List<RegisteredStudy> Studies { get; set; } = [];
}

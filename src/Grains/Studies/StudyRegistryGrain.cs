using LensSweep.Grains.Hosting;

namespace LensSweep.Grains.Studies;

/// <inheritdoc cref="IStudyRegistryGrain"/>
public sealed class StudyRegistryGrain(
    [PersistentState("studies", EngineStorage.GrainStorageName)] IPersistentState<StudyRegistryState> state) : Grain, IStudyRegistryGrain
{
    public async Task AddAsync(string studyId, DateTimeOffset startedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyId);
        if (state.State.Studies.Any(s => s.StudyId == studyId))
        {
            return;
        }

        state.State.Studies.Add(new RegisteredStudy(studyId, startedAt));
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

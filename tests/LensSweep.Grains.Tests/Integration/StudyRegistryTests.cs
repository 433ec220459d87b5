using LensSweep.Grains.Studies;

namespace LensSweep.Grains.Tests.Integration;

public sealed class StudyRegistryTests
{
    [Fact]
    public async Task The_registry_answers_for_one_id_whether_it_lists_it()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 1);
        var registry = StudyRegistry.Get(engine.Client);

        await registry.AddAsync("listed", DateTimeOffset.UtcNow);
        await registry.MarkEndedAsync("listed", DateTimeOffset.UtcNow);

        Assert.True(await registry.IsListedAsync("listed"));
        Assert.False(await registry.IsListedAsync("never-started"));
    }
}

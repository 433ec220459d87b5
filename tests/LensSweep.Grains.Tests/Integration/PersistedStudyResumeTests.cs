using LensSweep.Grains.Sweeps;

namespace LensSweep.Grains.Tests.Integration;

public sealed class PersistedStudyResumeTests
{
    [Fact]
    public async Task A_study_persisted_by_main_before_the_bookkeeping_split_resumes_and_finishes_on_a_new_cluster()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Sweeps", "Fixtures", "study-b237a23", "state");
        await using var engine = await EngineCluster.StartAsync(seedState: fixture);

        var loaded = await engine.Sweep("persisted").GetStatusAsync();
        var finished = await engine.WaitForPhaseAsync("persisted", SweepPhase.Finished, TimeSpan.FromSeconds(60));

        Assert.Equal((300, 206), (loaded.TrialCount, loaded.Counts.Completed));
        Assert.Equal((0, 0, 0), (finished.Counts.Waiting, finished.Counts.Running, finished.Counts.Paused));
        Assert.Equal(300, finished.Counts.Stopped + finished.Counts.Completed + finished.Counts.Failed);
        Assert.True(finished.Counts.Completed >= 206, $"{finished.Counts}");
        Assert.Empty(finished.Slots);
    }
}

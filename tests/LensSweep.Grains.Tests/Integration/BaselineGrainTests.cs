using LensSweep.Grains.Baselines;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Tests.Integration;

public sealed class BaselineGrainTests
{
    [Fact]
    public async Task A_late_second_result_does_not_replace_the_stored_pixel_baseline()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 1);
        var baseline = engine.Client.GetGrain<IStudyBaselineGrain>("late-result");
        var first = new ProbeScores(0.61, 0.4);

        await baseline.RecordAsync(first, null);
        await baseline.RecordAsync(null, "InvalidOperationException: a second computation failed");
        var status = await baseline.GetAsync();

        Assert.Equal(first.ValAuc, status.Pixels?.ValAuc);
        Assert.Null(status.FailureReason);
    }
}

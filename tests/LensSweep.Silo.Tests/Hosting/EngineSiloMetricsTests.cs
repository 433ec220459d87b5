using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Models.Data;
using LensSweep.Silo.Health;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Silo.Tests.Hosting;

public sealed class EngineSiloMetricsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-metrics-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Trials_of_a_running_study_that_no_slot_can_take_are_counted_as_waiting()
    {
        string[] args =
        [
            "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(), "--http-port", FreePort.Next().ToString(),
            "--cluster-id", $"test-{Guid.NewGuid():N}", "--Logging:LogLevel:Default", "Warning", "--slots", "none",
            "--grain-state-path", Path.Combine(_folder, "state"), "--artifacts-path", Path.Combine(_folder, "artifacts"),
        ];
        await using var app = await SiloApp.CreateAsync(args);
        await app.StartAsync();
        var plan = new SweepPlan(
            "waits", new DatasetOptions(), new SchedulerOptions { Kind = SchedulerKind.None, MaxEpochs = 1 }, MaxConcurrentTrials: 2,
            new ProbeSettings(), Seed: 0, [new TrialConfig(), new TrialConfig { MaskRatio = 0.5 }, new TrialConfig { MaskRatio = 0.9 }]);
        await app.Services.GetRequiredService<IGrainFactory>().GetGrain<ISweepGrain>("waits").StartAsync(plan);

        var metrics = await app.Services.GetRequiredService<IEngineMetrics>().ReadAsync(CancellationToken.None);

        Assert.Equal(new EngineMetrics(TrialsRunning: 0, TrialsWaiting: 3, SlotsBusy: 0, SlotsTotal: 0), metrics);
        await app.StopAsync();
    }
}

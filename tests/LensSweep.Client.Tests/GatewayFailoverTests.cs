using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Client.Tests;

public sealed class GatewayFailoverTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-failover-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_watch_keeps_going_through_the_other_gateway_when_one_silo_stops()
    {
        var gate = new TrainerGate();
        void Gated(ISiloBuilder silo)
        {
            silo.Services.AddSingleton(gate);
            silo.Services.AddSingleton<InstantTrainer>();
            silo.Services.AddSingleton<ITrialTrainer, GatedTrainer>();
        }

        await using var primary = await TestSilo.StartAsync(folder: _folder, addTrainer: Gated);
        var secondary = await TestSilo.StartAsync(primary: primary.SiloEndpoint, folder: _folder, addTrainer: Gated);
        var services = new CliServices { Cluster = new OrleansClusterConnector() };
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var watch = CliHarness.RunAsync(services, limit.Token, "study", "start", StudyCommandTests.QuickSpec, "--watch", "--cluster", $"{secondary.Gateway},{primary.Gateway}");
        await gate.FirstArrival.WaitAsync(limit.Token);
        await secondary.DisposeAsync();
        gate.Release();
        var (code, output, error) = await watch;

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("quick completed", output);
    }
}

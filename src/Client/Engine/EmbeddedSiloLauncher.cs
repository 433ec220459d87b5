using LensSweep.Client.Cluster;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Storage;
using LensSweep.Reporting.Web;
using LensSweep.Silo.Devices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace LensSweep.Client.Engine;

/// <summary>
/// Starts one silo inside the console for <c>lenssweep run</c>: the engine, local-folder storage in the run's
/// output folder (so a second run with the same folder resumes the study), and device slots for this
/// machine. The trainer is supplied by the caller, keeping the console free of training code.
/// </summary>
/// <param name="addTrainer">Registers the <c>ITrialTrainer</c>, e.g. <c>silo => silo.AddLensSweepTrainer&lt;T&gt;()</c>.</param>
public sealed class EmbeddedSiloLauncher(Action<ISiloBuilder> addTrainer) : IEmbeddedClusterLauncher
{
    public async Task<IStudyCluster> StartAsync(EmbeddedClusterOptions options, CancellationToken cancellationToken)
    {
        var slots = SlotsFor(options.Slots);
        var folder = Path.GetFullPath(options.OutputFolder);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            // Free ports, so a run never collides with a local lenssweep-silo or another run.
            var ports = LoopbackPorts.Take(2);
            silo.UseLocalhostClustering(siloPort: ports[0], gatewayPort: ports[1]);
            silo.AddLensSweepEngine(o => o.DeviceSlots = [.. slots]);
            silo.AddLensSweepLocalFolderStorage(folder, repairDamagedLog: options.RepairState);
            silo.UseInMemoryReminderService();
            addTrainer(silo);
        });
        var host = builder.Build();
        try
        {
            // Opened now, not at the first grain activation: a folder another run holds fails here, plainly.
            host.Services.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStorageName);
        }
        catch (GrainStateLogDamagedException damaged)
        {
            host.Dispose();
            throw new CliInputException(
                $"the study's state log {damaged.LogPath} is damaged at byte {damaged.Offset}: the record there fails its checksum, yet {damaged.LaterRecords} whole records follow; nothing was changed",
                $"Restore {folder} from a backup, or run again with --repair-state to keep the {damaged.Offset} bytes before the damage and drop the {damaged.DroppedBytesOnRepair} bytes from it on (the damaged file is kept beside the log).");
        }
        catch (IOException)
        {
            host.Dispose();
            throw new CliInputException(
                $"the output folder {folder} is in use by another lenssweep process",
                "Wait for that run to finish or stop it, or give this run another --out.");
        }

        await host.StartAsync(cancellationToken);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var page = options.StudyPage is { } address ? await ServePageAsync(host, grains, address, cancellationToken) : null;
        return new OrleansStudyCluster(
            grains,
            async () =>
            {
                if (page is not null)
                {
                    await page.DisposeAsync();
                }

                await host.StopAsync(Cli.ShutdownGrace);
                host.Dispose();
            },
            outputFolder: options.OutputFolder);
    }

    /// <exception cref="CliInputException">The address cannot be bound; the silo is stopped again.</exception>
    private static async Task<WebApplication> ServePageAsync(IHost host, IGrainFactory grains, StudyPageAddress address, CancellationToken cancellationToken)
    {
        try
        {
            return await StudyPageServer.StartAsync(grains, address.Endpoint, address.Token, cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            // Kestrel reports a port in use as an IOException, an address this machine does not have as a SocketException.
            await host.StopAsync(Cli.ShutdownGrace);
            host.Dispose();
            throw new CliInputException(
                $"cannot serve the study page on {address.Endpoint}: {e.Message}",
                "Give --serve another port, or stop what listens there.");
        }
    }

    /// <summary>An explicit count means CPU slots; otherwise one slot per GPU, or one per two CPU cores without GPUs.</summary>
    public static IReadOnlyList<string> SlotsFor(int? requested) => DetectSlots(requested).Slots.Slots;

    /// <summary>
    /// The slots of <see cref="SlotsFor"/>, with the detector's note when the driver lists GPUs this build cannot
    /// use (the console prints it, so a CPU-only build on a GPU machine is never a silent slowdown).
    /// </summary>
    public static DeviceDetection DetectSlots(int? requested)
    {
        if (requested is { } count)
        {
            return new DeviceDetection(DeviceSlots.Cpu(count), null);
        }

        var detected = new DeviceSlotDetector().Detect();
        return detected.Slots.Slots.Any(s => s.StartsWith("cuda", StringComparison.Ordinal))
            ? detected
            : detected with { Slots = DeviceSlots.Cpu(Math.Max(1, Environment.ProcessorCount / 2)) };
    }
}

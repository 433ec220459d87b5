using System.Net;
using LensSweep.Client.Cluster;
using LensSweep.Grains.Hosting;
using LensSweep.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace LensSweep.Client.Tests;

/// <summary>A real silo on free loopback ports, for tests of how the console reaches a cluster.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string? _folder;

    private TestSilo(IHost host, string? folder, ClusterAddress gateway, IPEndPoint siloEndpoint)
    {
        _host = host;
        _folder = folder;
        Gateway = gateway;
        SiloEndpoint = siloEndpoint;
    }

    public ClusterAddress Gateway { get; }

    /// <summary>The silo's own grain factory, for what runs beside a silo in its process (the study page).</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo-to-silo endpoint, for a second silo to join this one as its primary.</summary>
    public IPEndPoint SiloEndpoint { get; }

    /// <param name="primary">Null: this silo is the primary; otherwise the primary's <see cref="SiloEndpoint"/>.</param>
    /// <param name="gatewayBehind">Set: the silo advertises its gateway at this port but listens at another,
    /// <see cref="Gateway"/>, so a relay on the advertised port can stand between the console and the silo.</param>
    /// <param name="folder">State and artifacts; silos of one cluster share it. Null: a new folder this silo deletes.</param>
    /// <param name="addTrainer">The trainer; <see cref="InstantTrainer"/> when null.</param>
    /// <param name="tls">TLS on the silo and gateway ports, as lenssweep-silo sets it up; null: plain TCP.</param>
    public static async Task<TestSilo> StartAsync(
        string? clusterId = null, IPEndPoint? primary = null, string? folder = null, int? gatewayBehind = null, Action<ISiloBuilder>? addTrainer = null,
        TlsMaterial? tls = null)
    {
        var ports = LoopbackPorts.Take(2);
        var stateFolder = folder ?? Directory.CreateTempSubdirectory("lenssweep-silo-").FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports[0], ports[1], primary, ClusterTarget.DefaultServiceId, clusterId ?? ClusterTarget.DefaultClusterId);
            if (gatewayBehind is { } advertised)
            {
                silo.Configure<EndpointOptions>(o =>
                {
                    o.GatewayPort = advertised;
                    o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, ports[1]);
                });
            }

            if (tls is not null)
            {
                silo.UseLensSweepTls(tls);
            }

            silo.AddLensSweepEngine(o =>
            {
                o.DeviceSlots = ["cpu:0"];
                o.ReconcilePeriod = TimeSpan.FromSeconds(1);
                o.SlotPollPeriod = TimeSpan.FromMilliseconds(200);
            });
            silo.AddLensSweepLocalFolderStorage(stateFolder, flushToDisk: false);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));

            // A stopped silo is declared dead within a second or two, not Orleans' production minute.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
            if (addTrainer is null)
            {
                silo.AddLensSweepTrainer<InstantTrainer>();
            }
            else
            {
                addTrainer(silo);
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, folder is null ? stateFolder : null, new ClusterAddress("127.0.0.1", ports[1]), new IPEndPoint(IPAddress.Loopback, ports[0]));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
            if (_folder is not null)
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }
}

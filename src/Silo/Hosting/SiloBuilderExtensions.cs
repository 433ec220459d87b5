using System.Data.Common;
using System.Net;
using LensSweep.Grains.Hosting;
using LensSweep.Silo.Devices;
using LensSweep.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace LensSweep.Silo.Hosting;

/// <summary>The pieces of a LensSweep silo, each usable on its own (the console's embedded silo calls them too).</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Npgsql's ADO.NET invariant name, as the Orleans AdoNet providers want it.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>Cluster membership, endpoints and the matching reminder service (durable unless localhost).</summary>
    public static ISiloBuilder UseLensSweepMembership(this ISiloBuilder silo, SiloHostOptions options)
    {
        var membership = options.Membership;
        var network = options.Network;
        if (!string.IsNullOrWhiteSpace(options.SiloName))
            silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName);
        switch (membership.Kind)
        {
            case MembershipOptions.Localhost:
                var primary = string.IsNullOrWhiteSpace(membership.PrimarySiloEndpoint) ? null : IPEndPoint.Parse(membership.PrimarySiloEndpoint);
                silo.UseLocalhostClustering(network.SiloPort, network.GatewayPort, primary, options.ServiceId, options.ClusterId);
                // One machine, one lifetime: the in-memory reminder table dies with the cluster, which is all it must survive.
                silo.UseInMemoryReminderService();
                return silo;
            case MembershipOptions.Redis:
                var redis = ConfigurationOptions.Parse(membership.ConnectionString!);
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
                silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
                break;
            case MembershipOptions.Postgres:
                DbProviderFactories.RegisterFactory(PostgresInvariant, NpgsqlFactory.Instance);
                silo.UseAdoNetClustering(o => { o.Invariant = PostgresInvariant; o.ConnectionString = membership.ConnectionString; });
                silo.UseAdoNetReminderService(o => { o.Invariant = PostgresInvariant; o.ConnectionString = membership.ConnectionString; });
                break;
            case MembershipOptions.AzureTable:
                var tables = AzureTableConnection.OpenService(membership.AzureAccount());
                silo.UseAzureStorageClustering(o => o.TableServiceClient = tables);
                silo.UseAzureTableReminderService(o => o.TableServiceClient = tables);
                break;
            default:
                throw new SiloStartupException([$"Membership:Kind is '{membership.Kind}'; expected localhost, redis, postgres or azuretable"]);
        }
        silo.Configure<ClusterOptions>(o => { o.ClusterId = options.ClusterId; o.ServiceId = options.ServiceId; });
        if (string.IsNullOrWhiteSpace(network.AdvertisedAddress))
            silo.ConfigureEndpoints(Dns.GetHostName(), network.SiloPort, network.GatewayPort, listenOnAnyHostAddress: network.ListenOnAnyHostAddress);
        else if (IPAddress.TryParse(network.AdvertisedAddress, out var address))
            silo.ConfigureEndpoints(address, network.SiloPort, network.GatewayPort, network.ListenOnAnyHostAddress);
        else
            silo.ConfigureEndpoints(network.AdvertisedAddress, network.SiloPort, network.GatewayPort, listenOnAnyHostAddress: network.ListenOnAnyHostAddress);
        return silo;
    }

    /// <summary>
    /// The grain state store (registered under the engine's storage name) and the artifact store:
    /// local folders (the default), Azure Blob, or Redis for grain state.
    /// </summary>
    public static ISiloBuilder AddLensSweepStores(this ISiloBuilder silo, SiloHostOptions options)
    {
        var name = EngineStorage.GrainStorageName;
        switch (options.GrainState.Kind)
        {
            case StoreOptions.Local:
                silo.AddLocalFolderGrainStorage(name, o =>
                {
                    o.Folder = Path.GetFullPath(options.GrainState.Path);
                    o.RepairDamagedLog = options.GrainState.Repair;
                });
                break;
            case StoreOptions.AzureBlob:
                silo.Services.AddLensSweepAzureBlobGrainStorage(name, options.GrainState.AzureAccount("GrainState"), options.GrainState.Container);
                break;
            case StoreOptions.Redis:
                var redis = ConfigurationOptions.Parse(ConnectionStrings.RedisForGrainState(options)!);
                // The Orleans binary serializer, as for the other stores: the JSON default cannot read back a state holding two equal records.
                silo.AddRedisGrainStorage(name, b => b.Configure<Serializer>((o, serializer) =>
                {
                    o.ConfigurationOptions = redis;
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
                break;
        }
        if (options.Artifacts.Kind == StoreOptions.AzureBlob)
            silo.Services.AddAzureBlobArtifactStore(options.Artifacts.AzureAccount("Artifacts"), options.Artifacts.Container);
        else
            silo.AddLocalFolderArtifactStore(o => o.Folder = Path.GetFullPath(options.Artifacts.Path));
        return silo;
    }

    /// <summary>
    /// The study engine on this silo's device slots. The engine advertises the slots as silo metadata
    /// (<see cref="DeviceSlots.MetadataKey"/>); Orleans keeps a single metadata registration, so nothing
    /// else may call UseSiloMetadata.
    /// </summary>
    public static ISiloBuilder AddLensSweepDeviceSlots(this ISiloBuilder silo, DeviceSlots slots)
    {
        silo.AddLensSweepEngine(o => o.DeviceSlots = [.. slots.Slots]);
        silo.Services.AddSingleton(slots);
        return silo;
    }

    /// <summary>
    /// The engine's reconcile period (<see cref="EngineTimingOptions.ReconcilePeriod"/>). Orleans refuses reminders
    /// faster than <see cref="ReminderOptions.MinimumReminderPeriod"/>, so a shorter period lowers that minimum too.
    /// </summary>
    public static ISiloBuilder UseLensSweepEngineTiming(this ISiloBuilder silo, EngineTimingOptions timing)
    {
        var period = timing.ReconcilePeriod;
        var baseline = timing.PixelBaseline;
        silo.Services.Configure<EngineOptions>(o =>
        {
            o.ReconcilePeriod = period;
            o.PixelBaseline = baseline;
        });
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = period < o.MinimumReminderPeriod ? period : o.MinimumReminderPeriod);
        return silo;
    }
}

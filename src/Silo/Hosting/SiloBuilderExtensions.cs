using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using System.Net;
using LensSweep.Silo.Devices;
using LensSweep.Silo.Storage;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
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
            default:
                throw new SiloStartupException([$"Membership:Kind is '{membership.Kind}'; expected localhost, redis or postgres"]);
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
    /// The grain state store (as the default grain storage) and the artifact store, for the azureblob and redis kinds.
    /// The local-folder kind is the study engine's (AddLensSweepEngine registers it), so nothing is added for it here.
    /// </summary>
    public static ISiloBuilder AddLensSweepStores(this ISiloBuilder silo, SiloHostOptions options)
    {
        switch (options.GrainState.Kind)
        {
            case StoreOptions.AzureBlob:
                silo.AddAzureBlobGrainStorageAsDefault(o => { o.ConnectionString = options.GrainState.ConnectionString; o.ContainerName = options.GrainState.Container; });
                break;
            case StoreOptions.Redis:
                var redis = ConfigurationOptions.Parse(ConnectionStrings.RedisForGrainState(options)!);
                silo.AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = redis);
                break;
        }
        if (options.Artifacts.Kind == StoreOptions.AzureBlob)
            silo.Services.AddAzureBlobArtifactStore(o => { o.ConnectionString = options.Artifacts.ConnectionString; o.ContainerName = options.Artifacts.Container; });
        return silo;
    }

    /// <summary>Advertises the slots as silo metadata (<see cref="DeviceSlots.MetadataKey"/>) and registers them as a singleton.</summary>
    public static ISiloBuilder AddLensSweepDeviceSlots(this ISiloBuilder silo, DeviceSlots slots)
    {
        silo.UseSiloMetadata(new Dictionary<string, string> { [DeviceSlots.MetadataKey] = slots.ToMetadataValue() });
        silo.Services.AddSingleton(slots);
        return silo;
    }
}

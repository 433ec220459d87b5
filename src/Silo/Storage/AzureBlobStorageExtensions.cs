using LensSweep.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Silo.Storage;

public static class AzureBlobStorageExtensions
{
    /// <summary>
    /// Registers <see cref="AzureBlobGrainStorage"/> as the named grain storage provider. State is written with the
    /// Orleans binary serializer, which round-trips the engine's <c>[GenerateSerializer]</c> records: Orleans' JSON
    /// default preserves references by equality, so two equal records in one state (two trials with the same cost)
    /// write a blob it cannot read back.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string or container name is not valid (the message never echoes the connection string).</exception>
    public static ISiloBuilder AddAzureBlobGrainStorage(this ISiloBuilder silo, string name, Action<AzureBlobStorageOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new AzureBlobStorageOptions();
        configure(options);
        // Parse now, so a bad setting fails while the host is built, not at the first grain activation.
        var container = AzureBlobConnection.OpenContainer(options.ConnectionString, options.ContainerName);
        silo.Services.AddGrainStorage(name, (sp, providerName) => new AzureBlobGrainStorage(
            providerName,
            container,
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredService<ILogger<AzureBlobGrainStorage>>()));
        return silo;
    }

    /// <summary>Registers <see cref="AzureBlobGrainStorage"/> as the default grain storage (grains whose state names no provider).</summary>
    public static ISiloBuilder AddAzureBlobGrainStorageAsDefault(this ISiloBuilder silo, Action<AzureBlobStorageOptions> configure) =>
        silo.AddAzureBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>Registers <see cref="AzureBlobArtifactStore"/> as the silo's <see cref="IArtifactStore"/>.</summary>
    public static IServiceCollection AddAzureBlobArtifactStore(this IServiceCollection services, Action<AzureBlobStorageOptions> configure)
    {
        var options = new AzureBlobStorageOptions { ContainerName = "lenssweep-artifacts" };
        configure(options);
        var store = new AzureBlobArtifactStore(AzureBlobConnection.OpenContainer(options.ConnectionString, options.ContainerName));
        services.AddSingleton(store);
        services.AddSingleton<IArtifactStore>(store);
        return services;
    }
}

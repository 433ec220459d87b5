using LensSweep.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace LensSweep.Silo.Storage;

public static class AzureBlobStorageExtensions
{
    /// <summary>Registers <see cref="AzureBlobGrainStorage"/> as the named grain storage provider.</summary>
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
            sp.GetRequiredService<IGrainStorageSerializer>(),
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

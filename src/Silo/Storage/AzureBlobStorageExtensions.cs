using LensSweep.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Silo.Storage;

public static class AzureBlobStorageExtensions
{
    /// <summary>Registers <see cref="AzureBlobArtifactStore"/> on <paramref name="container"/> as the silo's <see cref="IArtifactStore"/>.</summary>
    /// <exception cref="ArgumentException">The account or container settings are not valid (the message never echoes a connection string).</exception>
    public static IServiceCollection AddAzureBlobArtifactStore(this IServiceCollection services, AzureStorageAccount account, string container)
    {
        var store = new AzureBlobArtifactStore(AzureBlobConnection.OpenContainer(account, container));
        services.AddSingleton(store);
        services.AddSingleton<IArtifactStore>(store);
        return services;
    }
}

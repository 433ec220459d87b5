using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Silo.Storage;

/// <summary>
/// Grain state on Azure Blob through the official provider (Microsoft.Orleans.Persistence.AzureStorage): one blob per
/// grain state with ETag optimistic concurrency, the container created on start. LensSweep's one choice on top is the
/// serializer: the Orleans binary serializer, which round-trips the engine's <c>[GenerateSerializer]</c> records, where
/// the provider's JSON default preserves references by equality and cannot read back a state holding two equal records.
/// </summary>
public static class AzureBlobGrainState
{
    /// <summary>The default container; the hand-written provider's "lenssweep-state" is what <see cref="LegacyGrainStateMigration"/> reads.</summary>
    public const string DefaultContainer = "lenssweep-grain-state";

    /// <summary>Registers the provider under <paramref name="name"/> with LensSweep's settings.</summary>
    /// <exception cref="ArgumentException">The account or container settings are not valid (checked now, not at the first activation).</exception>
    public static IServiceCollection AddLensSweepAzureBlobGrainStorage(this IServiceCollection services, string name, AzureStorageAccount account, string container) =>
        services.AddAzureBlobGrainStorage(name, Configure(account, container, serializer => new OrleansGrainStorageSerializer(serializer)));

    /// <summary>
    /// The provider's options: the account's blob service, the container, the serializer, and delete-on-clear (a cleared
    /// state leaves no blob behind, as the local folder store leaves no file).
    /// </summary>
    internal static Action<OptionsBuilder<AzureBlobStorageOptions>> Configure(AzureStorageAccount account, string container, Func<Serializer, IGrainStorageSerializer> serializer)
    {
        if (AzureBlobConnection.ContainerNameProblem(container) is { } problem)
            throw new ArgumentException($"{account.Section}:Container: {problem}");
        var service = AzureBlobConnection.OpenService(account);
        return builder => builder.Configure<Serializer>((o, orleansSerializer) =>
        {
            o.BlobServiceClient = service;
            o.ContainerName = container;
            o.GrainStorageSerializer = serializer(orleansSerializer);
            o.DeleteStateOnClear = true;
        });
    }
}

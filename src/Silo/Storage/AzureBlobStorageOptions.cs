namespace LensSweep.Silo.Storage;

/// <summary>Where an Azure Blob backend keeps its data. The connection string is a secret: never log it.</summary>
public sealed class AzureBlobStorageOptions
{
    public string? ConnectionString { get; set; }

    public string ContainerName { get; set; } = "lenssweep-state";
}

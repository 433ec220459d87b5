using System.Text.RegularExpressions;
using Azure.Storage.Blobs;

namespace LensSweep.Silo.Storage;

/// <summary>
/// Turns an <see cref="AzureStorageAccount"/> into blob clients, and describes where they point without secrets
/// (connection strings carry account keys or SAS tokens, so logs and errors name the endpoint only).
/// </summary>
public static partial class AzureBlobConnection
{
    /// <summary>Opens a client for the account's blob service.</summary>
    /// <exception cref="ArgumentException">The settings name no account; the message names the setting, never echoing its value.</exception>
    public static BlobServiceClient OpenService(AzureStorageAccount account)
    {
        if (Problem(account) is { } problem)
            throw new ArgumentException(problem);
        var options = new BlobClientOptions();
        AzureStorageAccount.UseQuickRetries(options.Retry);
        return account.UsesCredential
            ? new BlobServiceClient(new Uri(account.ServiceUri!), AzureStorageAccount.Credential, options)
            : new BlobServiceClient(account.ConnectionString, options);
    }

    /// <summary>Why the settings name no blob service, or null.</summary>
    public static string? Problem(AzureStorageAccount account) => account.Problem("blob", Parses);

    /// <summary>Opens a client for the container; throws <see cref="ArgumentException"/> naming the setting, never echoing its value.</summary>
    public static BlobContainerClient OpenContainer(AzureStorageAccount account, string containerName)
    {
        if (ContainerNameProblem(containerName) is { } problem)
            throw new ArgumentException(problem);
        return OpenService(account).GetBlobContainerClient(containerName);
    }

    /// <summary>A container on a connection string (Azurite, account keys, SAS).</summary>
    public static BlobContainerClient OpenContainer(string? connectionString, string containerName, string section = "Storage") =>
        OpenContainer(new AzureStorageAccount(connectionString, null, section), containerName);

    /// <summary>The blob endpoint and container, safe to log: "http://127.0.0.1:10000/devstoreaccount1/lenssweep-state".</summary>
    public static string Describe(BlobContainerClient container) => AzureStorageAccount.Describe(container.Uri);

    /// <summary>Why a container name is not valid in Azure (3-63 lowercase letters, digits, single hyphens), or null when it is.</summary>
    public static string? ContainerNameProblem(string? containerName) =>
        containerName is not null && ContainerName().IsMatch(containerName) && !containerName.Contains("--", StringComparison.Ordinal)
            ? null
            : $"container name '{containerName}' is not valid: use 3-63 lowercase letters, digits and single hyphens, starting with a letter or digit";

    private static bool Parses(string connectionString)
    {
        try
        {
            _ = new BlobServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}

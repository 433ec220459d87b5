using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Storage.Blobs;

namespace LensSweep.Silo.Storage;

/// <summary>
/// Turns a connection string into a container client, and describes where it points without its secrets
/// (connection strings carry account keys or SAS tokens, so logs and errors name the endpoint only).
/// </summary>
public static partial class AzureBlobConnection
{
    /// <summary>Opens a client for the container; throws <see cref="ArgumentException"/> naming the setting, never echoing its value.</summary>
    public static BlobContainerClient OpenContainer(string? connectionString, string containerName, string settingName = "ConnectionString")
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException($"{settingName} is empty: an Azure Storage connection string is required.");
        var problem = ContainerNameProblem(containerName);
        if (problem is not null)
            throw new ArgumentException(problem);
        try
        {
            var options = new BlobClientOptions();
            // A few quick retries: the SDK default (exponential, up to ~minutes) makes an unreachable account look like a hang.
            options.Retry.MaxRetries = 3;
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
            return new BlobServiceClient(connectionString, options).GetBlobContainerClient(containerName);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            // The SDK's message can quote the offending part of the string; do not pass it on.
            throw new ArgumentException($"{settingName} is not a valid Azure Storage connection string.");
        }
    }

    /// <summary>True when the string parses as an Azure Storage connection string.</summary>
    public static bool IsValid(string? connectionString)
    {
        try
        {
            _ = OpenContainer(connectionString, "probe");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The blob endpoint and container, safe to log: "http://127.0.0.1:10000/devstoreaccount1/lenssweep-state".</summary>
    public static string Describe(BlobContainerClient container) =>
        new UriBuilder(container.Uri) { Query = string.Empty, UserName = string.Empty, Password = string.Empty }.Uri.ToString();

    /// <summary>Why a container name is not valid in Azure (3-63 lowercase letters, digits, single hyphens), or null when it is.</summary>
    public static string? ContainerNameProblem(string? containerName) =>
        containerName is not null && ContainerName().IsMatch(containerName) && !containerName.Contains("--", StringComparison.Ordinal)
            ? null
            : $"container name '{containerName}' is not valid: use 3-63 lowercase letters, digits and single hyphens, starting with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}

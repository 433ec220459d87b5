using Azure.Core;
using Azure.Identity;

namespace LensSweep.Silo.Storage;

/// <summary>
/// How LensSweep reaches an Azure Storage account, for blobs and tables alike: a connection string (account key, SAS,
/// Azurite) or a service URI signed in with <see cref="DefaultAzureCredential"/> (AKS workload identity, a managed
/// identity, AZURE_* environment variables, the Azure CLI), never both. Connection strings are secrets: messages name
/// the setting, never its value.
/// </summary>
/// <param name="ConnectionString">An Azure Storage connection string, or null.</param>
/// <param name="ServiceUri">The service endpoint (https://ACCOUNT.blob.core.windows.net or https://ACCOUNT.table.core.windows.net), or null.</param>
/// <param name="Section">The configuration section the two settings come from ("GrainState", "Membership"), for messages.</param>
public sealed record AzureStorageAccount(string? ConnectionString, string? ServiceUri, string Section)
{
    private static readonly Lazy<TokenCredential> SharedCredential = new(() => new DefaultAzureCredential());

    /// <summary>
    /// The credential for <see cref="ServiceUri"/>: one <see cref="DefaultAzureCredential"/> per process, which caches its
    /// tokens. A user-assigned managed identity is picked by AZURE_CLIENT_ID, as workload identity sets it.
    /// </summary>
    public static TokenCredential Credential => SharedCredential.Value;

    public bool UsesCredential => string.IsNullOrWhiteSpace(ConnectionString) && !string.IsNullOrWhiteSpace(ServiceUri);

    /// <summary>Why the two settings do not name an account, or null when they do. <paramref name="service"/> is "blob" or "table".</summary>
    public string? Problem(string service, Func<string, bool> connectionStringParses)
    {
        bool hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString), hasUri = !string.IsNullOrWhiteSpace(ServiceUri);
        if (hasConnectionString && hasUri)
            return $"{Section}:ConnectionString and {Section}:ServiceUri are both set; give one (a connection string, or a service URI signed in with the pod's Azure identity)";
        if (!hasConnectionString && !hasUri)
            return $"{Section}:ConnectionString or {Section}:ServiceUri is required (an Azure Storage connection string, or https://ACCOUNT.{service}.core.windows.net with an Azure identity)";
        if (hasConnectionString)
            return connectionStringParses(ConnectionString!) ? null : $"{Section}:ConnectionString is not a valid Azure Storage connection string";
        return Uri.TryCreate(ServiceUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.Query)
            ? null
            : $"{Section}:ServiceUri '{ServiceUri}' is not an https URI without a query (e.g. https://ACCOUNT.{service}.core.windows.net); Azure sends tokens over https only";
    }

    /// <summary>The endpoint without credentials or query, safe to log.</summary>
    public static string Describe(Uri uri) =>
        new UriBuilder(uri) { Query = string.Empty, UserName = string.Empty, Password = string.Empty }.Uri.ToString().TrimEnd('/');

    /// <summary>A few quick retries: the SDK default (exponential, up to ~minutes) makes an unreachable account look like a hang.</summary>
    public static void UseQuickRetries(RetryOptions retry)
    {
        retry.MaxRetries = 3;
        retry.Mode = RetryMode.Exponential;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }
}

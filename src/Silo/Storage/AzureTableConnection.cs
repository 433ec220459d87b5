using Azure.Data.Tables;

namespace LensSweep.Silo.Storage;

/// <summary>Turns an <see cref="AzureStorageAccount"/> into a table service client (membership and reminders on Azure Table).</summary>
public static class AzureTableConnection
{
    /// <summary>The tables the Orleans providers keep (their default names): silo membership, then reminders.</summary>
    public static IReadOnlyList<string> OrleansTables { get; } =
        [Orleans.Clustering.AzureStorage.AzureStorageClusteringOptions.DEFAULT_TABLE_NAME, Orleans.Reminders.AzureStorage.AzureTableReminderStorageOptions.DEFAULT_TABLE_NAME];

    /// <exception cref="ArgumentException">The settings name no account; the message names the setting, never echoing its value.</exception>
    public static TableServiceClient OpenService(AzureStorageAccount account)
    {
        if (account.Problem("table", Parses) is { } problem)
            throw new ArgumentException(problem);
        var options = new TableClientOptions();
        AzureStorageAccount.UseQuickRetries(options.Retry);
        return account.UsesCredential
            ? new TableServiceClient(new Uri(account.ServiceUri!), AzureStorageAccount.Credential, options)
            : new TableServiceClient(account.ConnectionString, options);
    }

    /// <summary>Why the settings name no table service, or null.</summary>
    public static string? Problem(AzureStorageAccount account) => account.Problem("table", Parses);

    /// <summary>The table endpoint, safe to log: "http://127.0.0.1:10002/devstoreaccount1".</summary>
    public static string Describe(TableServiceClient tables) => AzureStorageAccount.Describe(tables.Uri);

    private static bool Parses(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            return false;
        }
    }
}

using Azure.Data.Tables;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Storage;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Silo.Tests.Hosting;

/// <summary>A silo on Azure Table membership and reminders (the official Orleans providers), against Azurite's table service.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableMembershipTests(AzuriteFixture azurite)
{
    private static string[] Args(string connectionString, string siloName, string clusterId) =>
    [
        "--membership", "azuretable", "--Membership:ConnectionString", connectionString, "--silo-name", siloName, "--advertise", "127.0.0.1",
        "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(), "--http-port", FreePort.Next().ToString(),
        "--cluster-id", clusterId, "--service-id", $"svc-{Guid.NewGuid():N}", "--slots", "none", "--Logging:LogLevel:Default", "Warning",
    ];

    private string TableEndpoint => $"http://127.0.0.1:{azurite.Ports.Table}/{AzuriteCommand.Account}";

    /// <summary>"name:Status" of every silo row of the cluster in the membership table.</summary>
    private async Task<List<string>> SiloRowsAsync(string clusterId)
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(AzureTableConnection.OrleansTables[0]);
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.PartitionKey.EndsWith(clusterId, StringComparison.Ordinal) && row.GetString("SiloName") is { } name)
                rows.Add($"{name}:{row.GetString("Status")}");
        }
        return rows;
    }

    [SkippableFact]
    public async Task A_silo_on_azure_table_is_active_in_the_membership_table_and_dead_after_it_stops()
    {
        var cluster = $"test-{Guid.NewGuid():N}";
        await using var app = await SiloApp.CreateAsync(Args(azurite.ConnectionString, "table-a", cluster));

        await app.StartAsync();
        var whileRunning = await SiloRowsAsync(cluster);
        await app.StopAsync();
        var afterStop = await SiloRowsAsync(cluster);

        Assert.Equal(["table-a:Active"], whileRunning);
        Assert.Equal(["table-a:Dead"], afterStop);
    }

    [SkippableFact]
    public async Task Two_silos_on_azure_table_see_each_other_as_active()
    {
        var cluster = $"test-{Guid.NewGuid():N}";
        await using var a = await SiloApp.CreateAsync(Args(azurite.ConnectionString, "table-1", cluster));
        await using var b = await SiloApp.CreateAsync(Args(azurite.ConnectionString, "table-2", cluster));
        await Task.WhenAll(a.StartAsync(), b.StartAsync());

        var seen = await WaitForActiveCountAsync(a.Services.GetRequiredService<IClusterMembershipService>(), 2, TimeSpan.FromSeconds(60));
        await Task.WhenAll(a.StopAsync(), b.StopAsync());

        Assert.Equal(2, seen);
    }

    [SkippableFact]
    public async Task The_reminder_table_round_trips_a_reminder()
    {
        await using var app = await SiloApp.CreateAsync(Args(azurite.ConnectionString, "table-r", $"test-{Guid.NewGuid():N}"));
        await app.StartAsync();
        var table = app.Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create("sweep", "study-9");
        var startAt = new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        var hash = grain.GetUniformHashCode();

        var etag = Assert.IsType<string>(await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "reconcile", StartAt = startAt, Period = TimeSpan.FromSeconds(5) }));
        var row = await table.ReadRow(grain, "reconcile");
        var ofGrain = await table.ReadRows(grain);
        var inRange = await table.ReadRows(hash - 1, hash);
        var removed = await table.RemoveRow(grain, "reconcile", etag);
        var afterRemove = await table.ReadRow(grain, "reconcile");
        await app.StopAsync();

        Assert.NotNull(row);
        Assert.Equal((startAt, TimeSpan.FromSeconds(5), etag), (row.StartAt, row.Period, row.ETag));
        Assert.Single(ofGrain.Reminders);
        Assert.Contains(inRange.Reminders, r => r.GrainId == grain);
        Assert.True(removed);
        Assert.Null(afterRemove);
    }

    [SkippableFact]
    public async Task A_wrong_account_key_fails_at_start_with_one_line_naming_the_table_endpoint()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connection = AzuriteCommand.ConnectionString(azurite.Ports, wrongKey);

        var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(Args(connection, "table-key", "test-key")));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith($"Membership: Azure Table at {TableEndpoint} rejected the credentials", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, problem, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_unreachable_table_endpoint_fails_at_start_with_one_line_naming_it()
    {
        var deadPort = FreePort.Next();
        var connection = azurite.ConnectionString.Replace($":{azurite.Ports.Table}/", $":{deadPort}/", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(Args(connection, "table-dead", "test-dead")));

        Assert.Equal($"Membership: Azure Table at http://127.0.0.1:{deadPort}/{AzuriteCommand.Account} is unreachable", Assert.Single(error.Problems));
    }

    [Fact]
    public async Task A_service_uri_without_an_azure_identity_fails_at_start_with_one_line_saying_so()
    {
        var deadPort = FreePort.Next();
        // No workload identity, managed identity, AZURE_* variables or Azure CLI login on a test machine.
        string[] args =
        [
            "--membership", "azuretable", "--Membership:ServiceUri", $"https://127.0.0.1:{deadPort}/{AzuriteCommand.Account}",
            "--advertise", "127.0.0.1", "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(),
            "--http-port", FreePort.Next().ToString(), "--slots", "none",
        ];

        var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(args));

        Assert.Equal($"Membership: Azure Table at https://127.0.0.1:{deadPort}/{AzuriteCommand.Account} could not be signed in to: "
            + "no Azure identity is available to DefaultAzureCredential (set up workload identity or a managed identity, "
            + "or give a connection string instead of a service URI)", Assert.Single(error.Problems));
    }

    private static async Task<int> WaitForActiveCountAsync(IClusterMembershipService membership, int expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        int active;
        while ((active = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active)) < expected && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        return active;
    }
}

using LensSweep.Silo.Hosting;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LensSweep.Silo.Tests.Hosting;

/// <summary>
/// A silo on PostgreSQL membership and reminders, against a real server whose database was set up with
/// infra/postgres/apply-schema.sh exactly as an operator would: the schema must match the 10.4.2 providers.
/// </summary>
public sealed class PostgresMembershipTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static string[] Args(string connectionString, string siloName) =>
    [
        "--membership", "postgres", "--Membership:ConnectionString", connectionString, "--silo-name", siloName, "--advertise", "127.0.0.1",
        "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(), "--http-port", FreePort.Next().ToString(),
        "--cluster-id", $"test-{Guid.NewGuid():N}", "--slots", "none", "--Logging:LogLevel:Default", "Warning",
    ];

    [Fact]
    public async Task A_silo_on_the_schema_is_active_in_the_membership_table_and_dead_after_it_stops()
    {
        var database = await postgres.Server.CreateOrleansDatabaseAsync();
        await using var app = await SiloApp.CreateAsync(Args(database, "pg-a"));

        await app.StartAsync();
        var whileRunning = await PostgresServer.QueryAsync(database, "SELECT silo_name || ':' || status FROM orleans_silo");
        await app.StopAsync();
        var afterStop = await PostgresServer.QueryAsync(database, "SELECT silo_name || ':' || status FROM orleans_silo");

        Assert.Equal(["pg-a:3"], whileRunning);  // SiloStatus.Active
        Assert.Equal(["pg-a:6"], afterStop);     // SiloStatus.Dead
    }

    [Fact]
    public async Task The_reminder_table_round_trips_a_reminder_through_the_schema()
    {
        var database = await postgres.Server.CreateOrleansDatabaseAsync();
        await using var app = await SiloApp.CreateAsync(Args(database, "pg-r"));
        await app.StartAsync();
        var table = app.Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create("sweep", "study-9");
        var startAt = new DateTime(2025, 3, 4, 5, 6, 7, 890, DateTimeKind.Utc);
        var hash = grain.GetUniformHashCode();

        var etag = Assert.IsType<string>(await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "reconcile", StartAt = startAt, Period = TimeSpan.FromSeconds(5) }));
        var row = await table.ReadRow(grain, "reconcile");
        var ofGrain = await table.ReadRows(grain);
        var inRange = await table.ReadRows(hash - 1, hash);
        var wrapped = await table.ReadRows(hash, hash);
        var stored = await PostgresServer.QueryAsync(database, "SELECT period_ms FROM orleans_reminder WHERE reminder_name = 'reconcile'");
        var removed = await table.RemoveRow(grain, "reconcile", etag);
        var afterRemove = await table.ReadRow(grain, "reconcile");
        await app.StopAsync();

        Assert.NotNull(row);
        Assert.Equal((startAt, TimeSpan.FromSeconds(5), etag), (row.StartAt, row.Period, row.ETag));
        Assert.Single(ofGrain.Reminders);
        Assert.Contains(inRange.Reminders, r => r.GrainId == grain);
        Assert.Contains(wrapped.Reminders, r => r.GrainId == grain);
        Assert.Equal(["5000"], stored);
        Assert.True(removed);
        Assert.Null(afterRemove);
    }

    [Fact]
    public async Task A_database_without_the_orleans_tables_fails_at_start_with_one_line_naming_it()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var where = Describe(database);

        var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(Args(database, "pg-empty")));

        Assert.Equal($"Membership: PostgreSQL database {where} has no Orleans tables; create them with infra/postgres/apply-schema.sh", Assert.Single(error.Problems));
    }

    [Fact]
    public async Task A_database_missing_the_reminder_queries_fails_at_start_saying_to_run_the_schema_script_again()
    {
        var database = await postgres.Server.CreateOrleansDatabaseAsync();
        await DeleteReminderQueriesAsync(database);

        var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(Args(database, "pg-half")));

        Assert.Equal($"Membership: PostgreSQL database {Describe(database)} lacks the Orleans reminder queries; "
            + "run infra/postgres/apply-schema.sh (lenssweep-orleans-schema.sql) again: it adds what is missing and keeps the data",
            Assert.Single(error.Problems));
    }

    [Fact]
    public async Task Running_the_schema_script_again_completes_a_partial_schema_and_keeps_the_rows()
    {
        var database = await postgres.Server.CreateOrleansDatabaseAsync();
        await PostgresServer.QueryAsync(database,
            "INSERT INTO orleans_reminder (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms) "
            + "VALUES ('svc', 'sweep/kept', 'reconcile', 7, now(), 1000) RETURNING 1");
        await DeleteReminderQueriesAsync(database);

        await postgres.Server.ApplySchemaAsync(database);
        await using var app = await SiloApp.CreateAsync(Args(database, "pg-again"));
        var kept = await PostgresServer.QueryAsync(database, "SELECT grain_id FROM orleans_reminder");

        Assert.Equal(["sweep/kept"], kept);
    }

    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>Leaves the database as an older or hand-trimmed schema would: membership queries only.</summary>
    private static Task DeleteReminderQueriesAsync(string connectionString) => PostgresServer.QueryAsync(connectionString,
        "DELETE FROM orleansquery WHERE querykey LIKE '%Reminder%' OR querykey LIKE 'ReadRange%' RETURNING querykey");
}

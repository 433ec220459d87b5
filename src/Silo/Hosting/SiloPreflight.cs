using Azure;
using Azure.Identity;
using LensSweep.Silo.Storage;
using Npgsql;
using StackExchange.Redis;

namespace LensSweep.Silo.Hosting;

/// <summary>
/// Reaches every external service the configuration names (Redis, PostgreSQL, Azure Blob) with a short timeout,
/// before Orleans starts, so an unreachable service is one clear line instead of a retry loop and a stack trace.
/// </summary>
public static class SiloPreflight
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    // The schema script only adds what is absent, so re-running it is the fix for a partial schema too.
    private const string CompleteSchema = "run infra/postgres/apply-schema.sh (lenssweep-orleans-schema.sql) again: it adds what is missing and keeps the data";

    /// <exception cref="SiloStartupException">A service is unreachable or refuses the credentials.</exception>
    public static async Task CheckAsync(SiloHostOptions options, CancellationToken cancellationToken)
    {
        var checks = new List<Task<string?>>();
        switch (options.Membership.Kind)
        {
            case MembershipOptions.Redis:
                checks.Add(CheckRedisAsync("Membership", options.Membership.ConnectionString!));
                break;
            case MembershipOptions.Postgres:
                checks.Add(CheckPostgresAsync("Membership", options.Membership.ConnectionString!, cancellationToken));
                break;
            case MembershipOptions.AzureTable:
                checks.Add(CheckTablesAsync("Membership", options.Membership.AzureAccount(), cancellationToken));
                break;
        }
        var stateRedis = ConnectionStrings.RedisForGrainState(options);
        if (options.GrainState.Kind == StoreOptions.Redis && !(options.Membership.Kind == MembershipOptions.Redis && stateRedis == options.Membership.ConnectionString))
            checks.Add(CheckRedisAsync("GrainState", stateRedis!));
        if (options.GrainState.Kind == StoreOptions.AzureBlob)
            checks.Add(CheckGrainStateBlobAsync(options.GrainState, cancellationToken));
        if (options.Artifacts.Kind == StoreOptions.AzureBlob)
            checks.Add(CheckBlobAsync("Artifacts", options.Artifacts.AzureAccount("Artifacts"), options.Artifacts.Container, cancellationToken));
        var problems = (await Task.WhenAll(checks).ConfigureAwait(false)).OfType<string>().ToList();
        if (problems.Count > 0)
            throw new SiloStartupException(problems);
    }

    /// <summary>Where membership points, safe to log.</summary>
    public static string DescribeMembership(SiloHostOptions options) => options.Membership.Kind switch
    {
        MembershipOptions.Redis => ConnectionStrings.TryParseRedis(options.Membership.ConnectionString) is { } r ? ConnectionStrings.DescribeRedis(r) : "",
        MembershipOptions.Postgres => ConnectionStrings.TryParsePostgres(options.Membership.ConnectionString) is { } p ? ConnectionStrings.DescribePostgres(p) : "",
        MembershipOptions.AzureTable => AzureTableConnection.Problem(options.Membership.AzureAccount()) is null
            ? AzureTableConnection.Describe(AzureTableConnection.OpenService(options.Membership.AzureAccount())) : "",
        _ => "",
    };

    private static async Task<string?> CheckRedisAsync(string section, string connectionString)
    {
        var redis = ConfigurationOptions.Parse(connectionString);
        redis.AbortOnConnectFail = true;
        redis.ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds;
        redis.ConnectRetry = 1;
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis).ConfigureAwait(false);
            await connection.GetDatabase().PingAsync().ConfigureAwait(false);
            return null;
        }
        catch (RedisConnectionException e)
        {
            return $"{section}: Redis at {ConnectionStrings.DescribeRedis(redis)} is unreachable or refused the connection ({e.FailureType}) within {ConnectTimeout.TotalSeconds:0} s";
        }
    }

    private static async Task<string?> CheckPostgresAsync(string section, string connectionString, CancellationToken cancellationToken)
    {
        var postgres = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = (int)ConnectTimeout.TotalSeconds };
        var where = ConnectionStrings.DescribePostgres(postgres);
        try
        {
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // One probe per provider, so a partly set-up database says which provider would refuse to start.
            await using var probe = new NpgsqlCommand(
                "SELECT bool_or(querykey = 'InsertMembershipKey'), bool_or(querykey = 'UpsertReminderRowKey') FROM orleansquery", connection);
            await using var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            // bool_or over no rows is NULL: an empty query table has neither.
            bool hasMembership = !reader.IsDBNull(0) && reader.GetBoolean(0), hasReminders = !reader.IsDBNull(1) && reader.GetBoolean(1);
            var missing = (hasMembership, hasReminders) switch
            {
                (true, true) => null,
                (false, false) => "membership and reminder queries",
                (false, true) => "membership queries",
                (true, false) => "reminder queries",
            };
            return missing is null ? null : $"{section}: PostgreSQL database {where} lacks the Orleans {missing}; {CompleteSchema}";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return $"{section}: PostgreSQL database {where} has no Orleans tables; create them with infra/postgres/apply-schema.sh";
        }
        catch (PostgresException e)
        {
            return $"{section}: PostgreSQL at {where} refused the connection ({e.SqlState}: {e.MessageText})";
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return $"{section}: PostgreSQL at {where} is unreachable within {ConnectTimeout.TotalSeconds:0} s";
        }
    }

    private static async Task<string?> CheckBlobAsync(string section, AzureStorageAccount account, string containerName, CancellationToken cancellationToken)
    {
        var container = AzureBlobConnection.OpenContainer(account, containerName);
        var where = AzureBlobConnection.Describe(container);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AzureTimeout);
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (AzureProblem(e) is { } problem)
        {
            return $"{section}: Azure Blob at {where} {problem("create or open the container")}";
        }
    }

    /// <summary>The grain state container is reachable, and no state of the former provider is left behind unmigrated.</summary>
    private static async Task<string?> CheckGrainStateBlobAsync(StoreOptions store, CancellationToken cancellationToken)
    {
        var account = store.AzureAccount("GrainState");
        if (await CheckBlobAsync("GrainState", account, store.Container, cancellationToken).ConfigureAwait(false) is { } unreachable)
            return unreachable;
        var service = AzureBlobConnection.OpenService(account);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AzureTimeout);
        try
        {
            return await LegacyGrainStateMigration.UnmigratedStateProblemAsync(service, store.Container, timeout.Token).ConfigureAwait(false) is { } problem
                ? $"GrainState: Azure Blob at {AzureStorageAccount.Describe(service.Uri)}: {problem}"
                : null;
        }
        catch (Exception e) when (AzureProblem(e) is { } azureProblem)
        {
            return $"GrainState: Azure Blob at {AzureStorageAccount.Describe(service.Uri)} {azureProblem("list the grain state containers")}";
        }
    }

    /// <summary>Creates (or finds) the membership and reminder tables, as the providers will at start.</summary>
    private static async Task<string?> CheckTablesAsync(string section, AzureStorageAccount account, CancellationToken cancellationToken)
    {
        var tables = AzureTableConnection.OpenService(account);
        var where = AzureTableConnection.Describe(tables);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AzureTimeout);
        try
        {
            foreach (var table in AzureTableConnection.OrleansTables)
                await tables.CreateTableIfNotExistsAsync(table, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (AzureProblem(e) is { } problem)
        {
            return $"{section}: Azure Table at {where} {problem($"create or open the tables {string.Join(" and ", AzureTableConnection.OrleansTables)}")}";
        }
    }

    private static readonly TimeSpan AzureTimeout = TimeSpan.FromSeconds(15);

    /// <summary>What an Azure call's failure says to an operator, completed with what was attempted; null for a failure that is not Azure's.</summary>
    private static Func<string, string>? AzureProblem(Exception e) => e switch
    {
        CredentialUnavailableException => _ => "could not be signed in to: no Azure identity is available to DefaultAzureCredential "
            + "(set up workload identity or a managed identity, or give a connection string instead of a service URI)",
        AuthenticationFailedException => _ => $"could not be signed in to: the Azure identity was refused ({FirstLine(e.Message)})",
        RequestFailedException { Status: 401 or 403 } r => _ => $"rejected the credentials ({r.ErrorCode})",
        RequestFailedException { Status: 0 } => _ => "is unreachable",
        RequestFailedException r => attempt => $"refused to {attempt} ({r.Status} {r.ErrorCode})",
        OperationCanceledException or AggregateException or HttpRequestException => _ => "is unreachable",
        _ => null,
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}

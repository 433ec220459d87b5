using LensSweep.Silo.Storage;
using Npgsql;
using StackExchange.Redis;

namespace LensSweep.Silo.Hosting;

/// <summary>Parses the connection strings of the options and describes where they point, never what they hold.</summary>
internal static class ConnectionStrings
{
    /// <summary>The Redis connection string for grain state: its own, or the membership one when membership is Redis too.</summary>
    public static string? RedisForGrainState(SiloHostOptions options) =>
        !string.IsNullOrWhiteSpace(options.GrainState.ConnectionString) ? options.GrainState.ConnectionString
        : options.Membership.Kind == MembershipOptions.Redis ? options.Membership.ConnectionString
        : null;

    public static ConfigurationOptions? TryParseRedis(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return null;
        try
        {
            var parsed = ConfigurationOptions.Parse(connectionString);
            return parsed.EndPoints.Count > 0 ? parsed : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static NpgsqlConnectionStringBuilder? TryParsePostgres(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return null;
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(parsed.Host) ? null : parsed;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            return null;
        }
    }

    public static string DescribeRedis(ConfigurationOptions redis) => string.Join(",", redis.EndPoints.Select(EndPointCollection.ToString));

    public static string DescribePostgres(NpgsqlConnectionStringBuilder postgres) => $"{postgres.Host}:{postgres.Port}/{postgres.Database}";

    /// <summary>Where a store lives, for the start-up log.</summary>
    public static string DescribeStore(string section, StoreOptions store, string? redisConnectionString) => store.Kind switch
    {
        StoreOptions.AzureBlob => AzureBlobConnection.Describe(AzureBlobConnection.OpenContainer(store.AzureAccount(section), store.Container)),
        StoreOptions.Redis => TryParseRedis(redisConnectionString) is { } redis ? $"redis {DescribeRedis(redis)}" : "redis",
        _ => System.IO.Path.GetFullPath(store.Path),
    };
}

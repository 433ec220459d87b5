using System.Reflection;
using LensSweep.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace LensSweep.Silo.Tests.Infra;

/// <summary>What the silo reads, derived from its options classes, and how a set of environment variables configures it.</summary>
internal static class SiloSettings
{
    /// <summary>LENSSWEEP_CLUSTERID, LENSSWEEP_MEMBERSHIP__KIND, …: one per settable leaf of <see cref="SiloHostOptions"/>.</summary>
    public static IReadOnlySet<string> EnvironmentVariables { get; } =
        Leaves(typeof(SiloHostOptions), "").Select(key => SiloConfiguration.EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();

    /// <summary>The options the silo would run with under these environment variables (validated like at start).</summary>
    public static SiloHostOptions FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        var keys = environment
            .Where(kv => kv.Key.StartsWith(SiloConfiguration.EnvironmentPrefix, StringComparison.Ordinal))
            .Select(kv => KeyValuePair.Create(kv.Key[SiloConfiguration.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), (string?)kv.Value));
        return SiloConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(keys).Build());
    }

    private static IEnumerable<string> Leaves(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = prefix + property.Name;
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                foreach (var leaf in Leaves(property.PropertyType, key + ":"))
                    yield return leaf;
            }
            else
            {
                yield return key;
            }
        }
    }
}

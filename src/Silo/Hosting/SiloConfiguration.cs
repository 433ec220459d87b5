using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LensSweep.Silo.Hosting;

/// <summary>
/// Where the silo's settings come from, later sources winning: appsettings.json, environment variables
/// prefixed <see cref="EnvironmentPrefix"/> ("__" between sections), then command-line flags.
/// </summary>
public static class SiloConfiguration
{
    public const string EnvironmentPrefix = "LENSSWEEP_";

    /// <summary>Short flags and the option each sets. Any option also works as --Section:Key value.</summary>
    public static IReadOnlyDictionary<string, string> Flags { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--cluster-id"] = "ClusterId",
        ["--service-id"] = "ServiceId",
        ["--silo-name"] = "SiloName",
        ["--membership"] = "Membership:Kind",
        ["--primary-silo"] = "Membership:PrimarySiloEndpoint",
        ["--grain-state"] = "GrainState:Kind",
        ["--grain-state-path"] = "GrainState:Path",
        ["--repair-state"] = "GrainState:Repair",
        ["--artifacts"] = "Artifacts:Kind",
        ["--artifacts-path"] = "Artifacts:Path",
        ["--slots"] = "Devices:Slots",
        ["--advertise"] = "Network:AdvertisedAddress",
        ["--silo-port"] = "Network:SiloPort",
        ["--gateway-port"] = "Network:GatewayPort",
        ["--http-port"] = "Http:Port",
        ["--http-bind"] = "Http:BindAddress",
        ["--dashboard"] = "Dashboard:Enabled",
        ["--study-page"] = "StudyPage:Enabled",
        ["--grace-period"] = "Shutdown:GracePeriod",
        ["--tls"] = "Tls:Enabled",
        ["--tls-cert"] = "Tls:CertificatePath",
        ["--tls-key"] = "Tls:KeyPath",
        ["--tls-ca"] = "Tls:CaPath",
        ["--tls-require-client-cert"] = "Tls:RequireClientCertificate",
    };

    /// <summary>A TLS setting's key as the silo's messages name it ("Tls:CertificatePath").</summary>
    public static string TlsKey(string property) => $"Tls:{property}";

    /// <summary>Sections read by the framework rather than by the silo options, settable as --Section:Key value too.</summary>
    public static IReadOnlyList<string> FrameworkSections { get; } = ["Logging", "Orleans"];

    /// <summary>Every option key ("Membership:Kind", …), found from <see cref="SiloHostOptions"/> itself.</summary>
    public static IReadOnlyList<string> OptionKeys { get; } = KeysOf(typeof(SiloHostOptions), prefix: "").ToArray();

    /// <summary>Adds the LENSSWEEP_ environment variables and the command line, after rejecting unknown flags.</summary>
    /// <exception cref="SiloStartupException">A flag is unknown or has no value.</exception>
    public static IHostApplicationBuilder AddLensSweepSiloConfiguration(this IHostApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddLensSweepSiloSources(args);
        return builder;
    }

    /// <summary>The LENSSWEEP_ environment variables and the command line, after rejecting unknown flags.</summary>
    /// <exception cref="SiloStartupException">A flag is unknown or has no value.</exception>
    public static IConfigurationBuilder AddLensSweepSiloSources(this IConfigurationBuilder configuration, string[] args)
    {
        var problems = FlagProblems(args);
        if (problems.Count > 0)
            throw new SiloStartupException(problems);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine(args, Flags.ToDictionary(f => f.Key, f => f.Value));
        return configuration;
    }

    /// <summary>Binds and validates the options; every problem at once, one line each.</summary>
    /// <exception cref="SiloStartupException">A value does not convert, or the configuration is not valid.</exception>
    public static SiloHostOptions Read(IConfiguration configuration)
    {
        var options = new SiloHostOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the expected type ("… at 'Network:SiloPort' to type 'System.Int32'").
            throw new SiloStartupException([e.Message]);
        }
        Normalize(options);
        var problems = SiloHostOptionsValidator.Problems(options);
        return problems.Count == 0 ? options : throw new SiloStartupException(problems);
    }

    /// <summary>Kinds are case-insensitive words; compare them in one spelling.</summary>
    public static void Normalize(SiloHostOptions options)
    {
        options.Membership.Kind = options.Membership.Kind.Trim().ToLowerInvariant();
        options.GrainState.Kind = options.GrainState.Kind.Trim().ToLowerInvariant();
        options.Artifacts.Kind = options.Artifacts.Kind.Trim().ToLowerInvariant();
    }

    public static string Usage() =>
        "usage: lenssweep-silo [--flag value]...\n" +
        $"       lenssweep-silo {GrainStateMigrationCommand.Verb} [--from-container NAME] [--flag value]...   (grain state of the old Azure Blob provider, see infra/README.md)\n" +
        string.Concat(Flags.Select(f => $"  {f.Key,-20} {f.Value}\n")) +
        "  --Section:Key value  any other option: " + string.Join(", ", OptionKeys) + "\n" +
        $"environment: {EnvironmentPrefix}<SECTION>__<KEY>, e.g. {EnvironmentPrefix}MEMBERSHIP__CONNECTIONSTRING (connection strings belong here, not in flags)\n";

    private static List<string> FlagProblems(string[] args)
    {
        var problems = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = equals > 0 ? arg[..equals] : arg;
            var known = Flags.ContainsKey(flag)
                || (flag.StartsWith("--", StringComparison.Ordinal) && OptionKeys.Contains(flag[2..], StringComparer.OrdinalIgnoreCase))
                || FrameworkSections.Any(section => flag.StartsWith($"--{section}:", StringComparison.OrdinalIgnoreCase));
            if (!known)
            {
                problems.Add($"unknown flag '{flag}' (lenssweep-silo --help lists them)");
                continue;
            }
            if (equals < 0 && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
                problems.Add($"flag '{flag}' needs a value");
            else if (equals < 0)
                i++;
        }
        return problems;
    }

    private static IEnumerable<string> KeysOf(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = prefix + property.Name;
            var nested = property.PropertyType;
            if (nested.IsClass && nested != typeof(string))
            {
                foreach (var inner in KeysOf(nested, key + ":"))
                    yield return inner;
            }
            else
            {
                yield return key;
            }
        }
    }
}

using System.Net;
using LensSweep.Silo.Devices;
using LensSweep.Silo.Security;
using LensSweep.Silo.Storage;
using Microsoft.Extensions.Options;

namespace LensSweep.Silo.Hosting;

/// <summary>Checks the whole configuration at once and names every problem (key, value, what is expected), one line each.</summary>
public sealed class SiloHostOptionsValidator : IValidateOptions<SiloHostOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloHostOptions options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Problems(SiloHostOptions options)
    {
        var problems = new List<string>();
        RequireId(problems, "ClusterId", options.ClusterId);
        RequireId(problems, "ServiceId", options.ServiceId);
        CheckMembership(problems, options.Membership);
        CheckStore(problems, "GrainState", options.GrainState, [StoreOptions.Local, StoreOptions.AzureBlob, StoreOptions.Redis], ConnectionStrings.RedisForGrainState(options));
        CheckStore(problems, "Artifacts", options.Artifacts, [StoreOptions.Local, StoreOptions.AzureBlob], redisConnectionString: null);
        if (!options.Devices.Slots.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) && DeviceSlots.TryParse(options.Devices.Slots, out var slotProblem) is null)
            problems.Add($"Devices:Slots '{options.Devices.Slots}' {slotProblem}");
        CheckNetwork(problems, options.Network, options.Http);
        problems.AddRange(TlsCertificates.SettingProblems(options.Tls, TlsRole.Silo, SiloConfiguration.TlsKey));
        if (options.Shutdown.GracePeriod <= TimeSpan.Zero)
            problems.Add($"Shutdown:GracePeriod is {options.Shutdown.GracePeriod}; it must be positive (e.g. 00:02:00)");
        if (options.Engine.ReconcilePeriod <= TimeSpan.Zero)
            problems.Add($"Engine:ReconcilePeriod is {options.Engine.ReconcilePeriod}; it must be positive (e.g. 00:01:00)");
        problems.AddRange(options.Engine.PixelBaseline.Problems().Select(problem => $"Engine:PixelBaseline:{problem}"));
        return problems;
    }

    private static void RequireId(List<string> problems, string key, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsWhiteSpace))
            problems.Add($"{key} '{value}' must be a non-empty name without spaces");
    }

    private static void CheckMembership(List<string> problems, MembershipOptions membership)
    {
        switch (membership.Kind)
        {
            case MembershipOptions.Localhost:
                if (!string.IsNullOrWhiteSpace(membership.PrimarySiloEndpoint) && !IPEndPoint.TryParse(membership.PrimarySiloEndpoint, out _))
                    problems.Add($"Membership:PrimarySiloEndpoint '{membership.PrimarySiloEndpoint}' is not an address:port such as 127.0.0.1:11111");
                break;
            case MembershipOptions.Redis:
                if (string.IsNullOrWhiteSpace(membership.ConnectionString))
                    problems.Add("Membership:ConnectionString is required when Membership:Kind is redis (e.g. LENSSWEEP_MEMBERSHIP__CONNECTIONSTRING=redis:6379)");
                else if (ConnectionStrings.TryParseRedis(membership.ConnectionString) is null)
                    problems.Add("Membership:ConnectionString is not a valid Redis connection string (expected host:port[,password=…])");
                break;
            case MembershipOptions.Postgres:
                if (string.IsNullOrWhiteSpace(membership.ConnectionString))
                    problems.Add("Membership:ConnectionString is required when Membership:Kind is postgres (e.g. Host=db;Database=orleans;Username=…;Password=…)");
                else if (ConnectionStrings.TryParsePostgres(membership.ConnectionString) is null)
                    problems.Add("Membership:ConnectionString is not a valid PostgreSQL connection string (expected Host=…;Database=…)");
                break;
            case MembershipOptions.AzureTable:
                if (AzureTableConnection.Problem(membership.AzureAccount()) is { } tableProblem)
                    problems.Add(tableProblem);
                break;
            default:
                problems.Add($"Membership:Kind is '{membership.Kind}'; expected {MembershipOptions.Localhost}, {MembershipOptions.Redis}, {MembershipOptions.Postgres} or {MembershipOptions.AzureTable}");
                break;
        }
    }

    private static void CheckStore(List<string> problems, string section, StoreOptions store, string[] kinds, string? redisConnectionString)
    {
        if (!kinds.Contains(store.Kind))
        {
            problems.Add($"{section}:Kind is '{store.Kind}'; expected {string.Join(" or ", kinds)}");
            return;
        }
        switch (store.Kind)
        {
            case StoreOptions.Local when string.IsNullOrWhiteSpace(store.Path):
                problems.Add($"{section}:Path is empty; a local store needs a folder");
                break;
            case StoreOptions.AzureBlob:
                if (AzureBlobConnection.Problem(store.AzureAccount(section)) is { } accountProblem)
                    problems.Add(accountProblem);
                if (AzureBlobConnection.ContainerNameProblem(store.Container) is { } containerProblem)
                    problems.Add($"{section}:Container: {containerProblem}");
                break;
            case StoreOptions.Redis:
                if (string.IsNullOrWhiteSpace(redisConnectionString))
                    problems.Add($"{section}:ConnectionString is required when {section}:Kind is redis and membership is not Redis");
                else if (ConnectionStrings.TryParseRedis(redisConnectionString) is null)
                    problems.Add($"{section}:ConnectionString is not a valid Redis connection string (expected host:port[,password=…])");
                break;
        }
    }

    private static void CheckNetwork(List<string> problems, NetworkOptions network, HttpEndpointOptions http)
    {
        CheckPort(problems, "Network:SiloPort", network.SiloPort);
        CheckPort(problems, "Network:GatewayPort", network.GatewayPort);
        CheckPort(problems, "Http:Port", http.Port);
        if (network.SiloPort == network.GatewayPort)
            problems.Add($"Network:SiloPort and Network:GatewayPort are both {network.SiloPort}; they must differ");
        if (http.Port == network.SiloPort || http.Port == network.GatewayPort)
            problems.Add($"Http:Port {http.Port} is also an Orleans port; it must differ from Network:SiloPort and Network:GatewayPort");
        if (!string.IsNullOrWhiteSpace(network.AdvertisedAddress) && !IPAddress.TryParse(network.AdvertisedAddress, out _)
            && Uri.CheckHostName(network.AdvertisedAddress) != UriHostNameType.Dns)
            problems.Add($"Network:AdvertisedAddress '{network.AdvertisedAddress}' is neither an IP address nor a host name");
        if (!IPAddress.TryParse(http.BindAddress, out _))
            problems.Add($"Http:BindAddress '{http.BindAddress}' is not an IP address (127.0.0.1, or 0.0.0.0 for every interface)");
    }

    private static void CheckPort(List<string> problems, string key, int port)
    {
        if (port is < 1 or > 65535)
            problems.Add($"{key} {port} is outside 1-65535");
    }
}

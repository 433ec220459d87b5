using System.CommandLine;
using System.CommandLine.Parsing;
using LensSweep.Client.Cluster;

namespace LensSweep.Client.Commands;

/// <summary>
/// The options every cluster command takes, in one place so each command reads them the same way:
/// <c>--cluster</c> (one gateway or several), <c>--cluster-id</c>, <c>--service-id</c> and <c>--connect-timeout</c>.
/// Each falls back on its environment variable, then on the silo's own default. The TLS options are <see cref="Tls"/>.
/// </summary>
/// <param name="environment">Reads an environment variable (<see cref="CliServices.Environment"/>).</param>
internal sealed class ClusterOptions(Func<string, string?> environment)
{
    public Option<IReadOnlyList<ClusterAddress>> Gateways { get; } = new("--cluster")
    {
        Description = $"Gateways of the cluster to talk to, comma-separated; any live one will do, and commands and 'study watch' move to another when one dies. ${ClusterAddress.EnvironmentVariable} is read when it is not given.",
        HelpName = "host:port[,host:port…]",
        Recursive = true,
        DefaultValueFactory = result => FromEnvironment(environment, ClusterAddress.EnvironmentVariable) is { } text
            ? ParseGateways(result, text, $"${ClusterAddress.EnvironmentVariable}")
            : [ClusterAddress.Default],
        CustomParser = result => ParseGateways(result, result.Tokens.Single().Value, "--cluster"),
    };

    public Option<IReadOnlyList<ClusterAddress>?> ForwardedTo { get; } = new("--forwarded-to")
    {
        Description = $"When --cluster is a port-forward (kubectl port-forward, an SSH tunnel): the gateway it leads to, as its silo advertises it (a pod's IP and the gateway port), one per --cluster entry in the same order. ${GatewayForwarding.EnvironmentVariable} is read with ${ClusterAddress.EnvironmentVariable} when neither --cluster nor this is given.",
        HelpName = "ip:port[,ip:port…]",
        Recursive = true,
        CustomParser = result => ParseGateways(result, result.Tokens.Single().Value, "--forwarded-to"),
    };

    public Option<string> ClusterId { get; } = Id(
        environment,
        "--cluster-id",
        ClusterTarget.ClusterIdVariable,
        ClusterTarget.DefaultClusterId,
        "Cluster id the silos were started with (lenssweep-silo --cluster-id); a console with another id finds no cluster.");

    public Option<string> ServiceId { get; } = Id(
        environment,
        "--service-id",
        ClusterTarget.ServiceIdVariable,
        ClusterTarget.DefaultServiceId,
        "Service id the silos were started with (lenssweep-silo --service-id).");

    public Option<int> ConnectTimeout { get; } = WithRecursive(CliOptions.WholeNumber(
        "--connect-timeout",
        $"Seconds to keep trying the gateways before reporting that no cluster answered; a machine busy training can take long to answer.",
        (int)ClusterTarget.DefaultConnectTimeout.TotalSeconds,
        helpName: "SECONDS"));

    public ClusterTlsOptions Tls { get; } = new(environment);

    public Option<string?> RunFolder { get; } = new("--run")
    {
        Description = "Read an embedded run's folder (the --out of 'lenssweep run') instead of a cluster: its study, leaderboard, history and plots, from the state it saved. Nothing trains while it is open.",
        HelpName = "DIR",
        Recursive = true,
    };

    /// <summary>Adds them all to <paramref name="command"/>; they are recursive, so its subcommands take them too.</summary>
    public T AddTo<T>(T command)
        where T : Command
    {
        AddAddresses(command);
        command.Add(RunFolder);
        return Tls.AddTo(command);
    }

    /// <summary>Adds the options that say how to reach a cluster, not <see cref="RunFolder"/>: for a command whose own
    /// <c>--run</c> means a folder of another kind (export, inspect, finetune).</summary>
    public T AddConnectionTo<T>(T command)
        where T : Command
    {
        AddAddresses(command);
        return Tls.AddTo(command);
    }

    /// <summary>The options, besides <c>--cluster</c> itself, that only say how to reach a cluster: given on the command
    /// line without <c>--cluster</c> they would be ignored by a command that reads a folder otherwise.</summary>
    public IEnumerable<string> GivenWithoutGateways(System.CommandLine.Parsing.CommandResult result) =>
        result.GetResult(Gateways) is { Implicit: false }
            ? []
            : new Option[] { ForwardedTo, ClusterId, ServiceId, ConnectTimeout }.Concat(Tls.All)
                .Where(o => result.GetResult(o) is { Implicit: false })
                .Select(o => o.Name);

    /// <summary>Where the cluster is and how long to try, in the order help lists them.</summary>
    private void AddAddresses(Command command)
    {
        command.Add(Gateways);
        command.Add(ForwardedTo);
        command.Add(ClusterId);
        command.Add(ServiceId);
        command.Add(ConnectTimeout);
    }

    /// <exception cref="CliInputException">The TLS settings cannot be used, or the forwards do not pair with the gateways.</exception>
    public ClusterTarget Read(ParseResult parseResult)
    {
        var gateways = parseResult.GetRequiredValue(Gateways);
        return new(
            gateways,
            parseResult.GetRequiredValue(ClusterId),
            parseResult.GetRequiredValue(ServiceId),
            TimeSpan.FromSeconds(parseResult.GetValue(ConnectTimeout)),
            Tls.Read(parseResult),
            parseResult.GetResult(RunFolder) is null ? null : parseResult.GetValue(RunFolder),
            ReadForwards(parseResult, gateways));
    }

    /// <summary>
    /// The advertised gateways behind <c>--cluster</c>: from <c>--forwarded-to</c>, or from its variable when the
    /// gateways too come from theirs (a forward named for the environment's gateways says nothing of others).
    /// </summary>
    private IReadOnlyList<System.Net.IPEndPoint>? ReadForwards(ParseResult parseResult, IReadOnlyList<ClusterAddress> gateways)
    {
        string source;
        IReadOnlyList<ClusterAddress> forwardedTo;
        if (parseResult.GetValue(ForwardedTo) is { } given)
        {
            (source, forwardedTo) = ("--forwarded-to", given);
        }
        else if (parseResult.GetResult(Gateways) is null or { Implicit: true }
            && FromEnvironment(environment, GatewayForwarding.EnvironmentVariable) is { } text)
        {
            source = $"${GatewayForwarding.EnvironmentVariable}";
            forwardedTo = ClusterAddress.TryParseList(text, out var parsed, out var listProblem)
                ? parsed
                : throw Unpaired(source, listProblem);
        }
        else
        {
            return null;
        }

        return GatewayForwarding.TryPair(gateways, forwardedTo, out var advertised, out var problem) ? advertised : throw Unpaired(source, problem);
    }

    private static CliInputException Unpaired(string source, string problem) => new(
        $"{source} {problem}",
        "Give, for each --cluster entry that is a forward, the gateway address its silo advertises: for a pod, kubectl get pod POD -o jsonpath='{.status.podIP}' and the gateway port (30000).");

    private static Option<string> Id(Func<string, string?> environment, string name, string variable, string defaultValue, string description) => new(name)
    {
        Description = $"{description} ${variable} is read when it is not given.",
        HelpName = "ID",
        Recursive = true,
        DefaultValueFactory = result => FromEnvironment(environment, variable) is { } text ? CheckId(result, text, $"${variable}") : defaultValue,
        CustomParser = result => CheckId(result, result.Tokens.Single().Value, name),
    };

    /// <summary>The silo's rule for its ids (SiloHostOptionsValidator): a non-empty name without spaces.</summary>
    private static string CheckId(ArgumentResult result, string text, string source)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace))
        {
            result.AddError($"{source} must be a non-empty name without spaces; got '{text}'.");
        }

        return text;
    }

    private static IReadOnlyList<ClusterAddress> ParseGateways(ArgumentResult result, string text, string source)
    {
        if (ClusterAddress.TryParseList(text, out var gateways, out var problem))
        {
            return gateways;
        }

        result.AddError($"{source} {problem}.");
        return [ClusterAddress.Default];
    }

    private static string? FromEnvironment(Func<string, string?> environment, string variable) =>
        environment(variable) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static Option<int> WithRecursive(Option<int> option)
    {
        option.Recursive = true;
        return option;
    }
}

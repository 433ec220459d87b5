using System.CommandLine;
using System.CommandLine.Invocation;
using LensSweep.Client.Commands;
using LensSweep.Grains.Hosting;

namespace LensSweep.Client;

/// <summary>
/// The lenssweep command tree. Exit codes (<see cref="ExitCodes"/>): 0 success, 1 the work failed or was
/// cancelled, 2 bad usage or input.
/// </summary>
public static class Cli
{
    /// <summary>
    /// Ctrl+C cancels the running command; an embedded run then stops its silo, which persists the study's
    /// state. That takes a few seconds, more than System.CommandLine's default grace period.
    /// </summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(30);

    public static RootCommand Build(CliServices services)
    {
        var examples = new HelpExamples();
        var root = examples.Add(
            new RootCommand("LensSweep: hyperparameter scaling studies of masked-autoencoder pretraining on lensing images."),
            "lenssweep run examples/quick.json",
            "lenssweep study start examples/scaling.json --watch",
            "lenssweep leaderboard scaling --top 10 --format csv");
        if (services.Embedded is { } embedded)
        {
            root.Add(RunCommand.Create(embedded, services.ProcessorCount, examples));
        }

        if (services.Cluster is { } joined)
        {
            var cluster = new Cluster.RunFolderConnector(joined, services.Embedded);
            root.Add(StudyCommands.Create(cluster, services.Embedded, services.ProcessorCount, services.Environment, examples));
            root.Add(LeaderboardCommand.Create(cluster, services.Environment, examples));
            root.Add(ClusterCommands.Create(cluster, services.Environment, examples));
        }

        root.Add(DataCommands.Create(examples));
        root.Add(PretrainCommand.Create(examples));
        root.Add(ExportCommand.Create(services.Cluster, services.Environment, examples));
        root.Add(InspectCommand.Create(services.Cluster, services.Environment, examples));
        root.Add(FinetuneCommand.Create(services.Cluster, services.Environment, examples));
        examples.InstallOn(root);
        return root;
    }

    /// <summary>The console as shipped: cluster commands over Orleans, and <c>run</c> on an embedded silo
    /// that trains with TorchSharp.</summary>
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(
            args,
            new CliServices
            {
                Cluster = new Engine.OrleansClusterConnector(),
                Embedded = new Engine.EmbeddedSiloLauncher(silo => silo.AddLensSweepTorchTrainer()),
            },
            Console.Out,
            Console.Error);

    /// <summary>Parses and runs; parse errors exit with <see cref="ExitCodes.BadInput"/>, each on one line with a pointer to help.</summary>
    public static async Task<int> RunAsync(string[] args, CliServices services, TextWriter output, TextWriter error) =>
        await RunAsync(args, services, output, error, CancellationToken.None);

    /// <summary>As above; cancelling <paramref name="cancellationToken"/> is what Ctrl+C does to the running command.</summary>
    public static async Task<int> RunAsync(string[] args, CliServices services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = Build(services);
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync($"lenssweep: {parseError.Message}");
            }

            await error.WriteLineAsync($"Run '{CommandPath(parseResult)} --help' for usage and examples.");
            return ExitCodes.BadInput;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            ProcessTerminationTimeout = ShutdownGrace,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "lenssweep" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}

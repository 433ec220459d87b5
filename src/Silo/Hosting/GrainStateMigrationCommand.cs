using LensSweep.Silo.Storage;
using Microsoft.Extensions.Configuration;

namespace LensSweep.Silo.Hosting;

/// <summary>
/// `lenssweep-silo migrate-grain-state [--from-container NAME] [silo flags]`: copies the grain state the hand-written Azure
/// Blob provider wrote (container NAME, default <see cref="LegacyGrainStateMigration.LegacyContainer"/>) into the official
/// provider's container (GrainState:Container) on the same account, configured exactly as the silo is.
/// </summary>
public static class GrainStateMigrationCommand
{
    public const string Verb = LegacyGrainStateMigration.MigrateVerb;

    private const string FromContainerFlag = "--from-container";

    /// <summary>Runs the migration; returns the process exit code (0 done, 2 bad configuration or an Azure failure).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var from = LegacyGrainStateMigration.LegacyContainer;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == FromContainerFlag && i + 1 < args.Length)
                from = args[++i];
            else
                rest.Add(args[i]);
        }
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
                .AddLensSweepSiloSources([.. rest])
                .Build();
            var options = SiloConfiguration.Read(configuration);
            if (options.GrainState.Kind != StoreOptions.AzureBlob)
                throw new SiloStartupException([$"GrainState:Kind is '{options.GrainState.Kind}'; the migration moves Azure Blob grain state, so it must be {StoreOptions.AzureBlob}"]);
            var report = await LegacyGrainStateMigration.RunAsync(options.GrainState.AzureAccount("GrainState"), from, options.GrainState.Container, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"copied {report.Copied} grain states from container {from} to {options.GrainState.Container}; {report.AlreadyPresent} were already there and were kept");
            foreach (var name in report.Unrecognised)
                output.WriteLine($"left alone: {name} (not a blob name the old provider wrote)");
            return 0;
        }
        catch (SiloStartupException e)
        {
            foreach (var problem in e.Problems)
                error.WriteLine($"lenssweep-silo {Verb}: {problem}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or Azure.RequestFailedException or AggregateException)
        {
            error.WriteLine($"lenssweep-silo {Verb}: {e.GetBaseException().Message.Split('\n')[0]}");
            return 2;
        }
    }
}

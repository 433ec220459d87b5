using System.CommandLine;
using LensSweep.Client.Cluster;
using LensSweep.Client.Terminal;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>lenssweep study extend &lt;id&gt; --trials N | --spec FILE</c>: grows a running or finished study. On a
/// cluster it returns once the grown study is stored (or follows it with <c>--watch</c>); on an embedded run's
/// folder (<c>--run DIR</c>) it trains the new trials here, as <c>lenssweep run</c> would, and writes the
/// results into the folder again.
/// </summary>
internal static class StudyExtendCommand
{
    public static Command Create(IStudyClusterConnector connector, IEmbeddedClusterLauncher? embedded, int cores, ClusterOptions clusterOption, HelpExamples examples)
    {
        var id = CliOptions.StudyId();
        var trials = CliOptions.OptionalWholeNumber(
            "--trials",
            "Configurations to add to a random or tpe study, each run as many times as the spec's repeats (so N x repeats trials): random search draws what a study of the larger count would have drawn, tpe proposes them from every result so far. 0 adds none: with --run it continues an interrupted extend.",
            min: 0);
        var spec = new Option<string?>("--spec")
        {
            Description = "The study's spec, widened: a grid with more values, or a random or tpe search with a larger count; every other setting (dataset, scheduler, probe, seed, repeats, name) as the study has it. The study keeps every configuration it has; each difference is named when it cannot.",
            HelpName = "FILE",
        };
        var watch = new Option<bool>("--watch") { Description = "Follow the grown study live until it finishes (a cluster; with --run it is always followed)." };
        var slots = CliOptions.Slots(cores);
        var command = examples.Add(
            new Command("extend", "Add trials to a running or finished study: its trials keep their results and ASHA's rungs carry on over the larger study; a finished study runs again. With --run DIR the new trials train on this machine.")
            {
                id, trials, spec, watch, slots,
            },
            "lenssweep study extend tpe --trials 8 --watch",
            "lenssweep study extend quick --spec quick-wider.json --run runs/quick");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var studyId = parseResult.GetRequiredValue(id);
            var extension = Read(parseResult.GetValue(trials), parseResult.GetValue(spec), studyId);
            var target = clusterOption.Read(parseResult);
            if (target.RunFolder is { } folder)
            {
                return await ExtendRunAsync(embedded, folder, parseResult.GetValue(slots)?.Count, studyId, extension, console, cancellationToken);
            }

            await using var cluster = await connector.ConnectAsync(target, cancellationToken);
            var grown = await cluster.ExtendAsync(studyId, extension, cancellationToken) ?? throw StudyFollower.UnknownStudy(studyId, target);
            console.Out.WriteLine(Grown(grown));
            if (!parseResult.GetValue(watch))
            {
                console.Out.WriteLine($"Follow it with: lenssweep study watch {studyId}");
                return ExitCodes.Success;
            }

            return await StudyCommands.FollowOrDetachAsync(cluster, studyId, console, cancellationToken);
        });
        return command;
    }

    /// <summary>The extension the options ask for; exactly one of <c>--trials</c> and <c>--spec</c>.</summary>
    private static StudyExtension Read(int? trials, string? specPath, string studyId)
    {
        if ((trials is null) == (specPath is null))
        {
            throw new CliInputException(
                trials is null ? "study extend needs --trials N or --spec FILE" : "study extend takes --trials N or --spec FILE, not both",
                "--trials N adds N random or tpe configurations; --spec FILE grows the study to a widened spec (a grid with more values).");
        }

        if (specPath is null)
        {
            return new StudyExtension(trials!.Value);
        }

        var spec = SpecFiles.Load(specPath);
        if (spec.Name != studyId)
        {
            throw new CliInputException(
                $"the spec {specPath} is for study '{spec.Name}', not '{studyId}'",
                $"A study grows under its own name: set \"name\": \"{studyId}\" in the widened spec.");
        }

        return new StudyExtension(0, spec);
    }

    /// <summary>Grows the study stored in an embedded run's folder and trains its new trials here.</summary>
    private static async Task<int> ExtendRunAsync(
        IEmbeddedClusterLauncher? embedded, string folder, int? requestedSlots, string studyId, StudyExtension extension, CliConsole console, CancellationToken cancellationToken)
    {
        if (embedded is null)
        {
            throw new CliInputException("this build of lenssweep cannot open a run folder", "Extend the study on its cluster instead (--cluster).");
        }

        RunFolderConnector.RequireRunFolder(folder);
        await using var cluster = await embedded.StartAsync(new EmbeddedClusterOptions(folder, requestedSlots), cancellationToken);
        try
        {
            var grown = await cluster.ExtendAsync(studyId, extension, cancellationToken) ?? throw StudyFollower.UnknownStudy(studyId, null);
            console.Out.WriteLine(Grown(grown) + $"; training in {folder}");
            return await RunCommand.FollowAndReportAsync(cluster, studyId, folder, console, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.WriteProblem(
                $"interrupted; study {studyId} keeps its grown plan, finished rungs and checkpoints in {folder}",
                $"Continue it with 'lenssweep study extend {studyId} --run {folder} --trials 0' (the grown plan is stored; 0 adds nothing more).");
            return ExitCodes.Failed;
        }
    }

    private static string Grown(StudySummary study) =>
        $"Study {study.StudyId} now has {study.Trials.Total} trials ({Naming.Of(study.State)}).";
}

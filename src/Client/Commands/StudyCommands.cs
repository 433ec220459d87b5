using System.CommandLine;
using System.Globalization;
using LensSweep.Client.Cluster;
using LensSweep.Client.Plotting;
using LensSweep.Client.Reporting;
using Spectre.Console;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;
using LensSweep.Reporting.Plotting;

namespace LensSweep.Client.Commands;

/// <summary><c>lenssweep study …</c>: launch, follow, list, inspect, cancel and plot studies on a running cluster.</summary>
internal static class StudyCommands
{
    private const int ShowLeaderboardRows = 10;

    public static Command Create(IStudyClusterConnector connector, IEmbeddedClusterLauncher? embedded, int cores, Func<string, string?> environment, HelpExamples examples)
    {
        var cluster = new ClusterOptions(environment);
        var study = examples.Add(
            cluster.AddTo(new Command("study", "Launch and follow studies on a running LensSweep cluster.")),
            "lenssweep study start examples/scaling.json --watch",
            "lenssweep study list --cluster 10.0.0.4:30000,10.0.0.5:30000");
        study.Add(Start(connector, cluster, examples));
        study.Add(Watch(connector, cluster, examples));
        study.Add(List(connector, cluster, examples));
        study.Add(Show(connector, cluster, examples));
        study.Add(StudyExtendCommand.Create(connector, embedded, cores, cluster, examples));
        study.Add(Cancel(connector, cluster, examples));
        study.Add(Plot(connector, cluster, examples));
        study.Add(History(connector, cluster, examples));
        return study;
    }

    private static Command Start(IStudyClusterConnector connector, ClusterOptions clusterOption, HelpExamples examples)
    {
        var spec = CliOptions.SpecFile();
        var watch = new Option<bool>("--watch") { Description = "Follow the study live until it finishes, then print its leaderboard." };
        var command = examples.Add(
            new Command("start", "Validate a study spec and start the study on the cluster. Nothing starts on a bad spec: every problem is listed.") { spec, watch },
            "lenssweep study start examples/scaling.json",
            "lenssweep study start examples/quick.json --watch --cluster 127.0.0.1:30000");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var studySpec = SpecFiles.Load(parseResult.GetRequiredValue(spec));
            await using var cluster = await connector.ConnectAsync(clusterOption.Read(parseResult), cancellationToken);
            var started = await cluster.StartAsync(studySpec, cancellationToken);
            if (started.State is StudyState.Completed or StudyState.Failed)
            {
                // The engine does not run a finished study again; saying "Started" would send the user to watch nothing.
                console.Out.WriteLine($"Study {started.StudyId} already {Naming.Of(started.State)} ({started.Trials.Total} trials) and was not started again; its results stay on the cluster.");
                console.Out.WriteLine($"See them with: lenssweep leaderboard {started.StudyId}   (or: lenssweep study show {started.StudyId}). To run it again, give the spec a new \"name\".");
                return ExitCodes.Success;
            }

            console.Out.WriteLine($"Started study {started.StudyId}: {started.Trials.Total} trials, ranked by {started.Metric}.");
            if (!parseResult.GetValue(watch))
            {
                console.Out.WriteLine($"Follow it with: lenssweep study watch {started.StudyId}");
                return ExitCodes.Success;
            }

            return await FollowOrDetachAsync(cluster, started.StudyId, console, cancellationToken);
        });
        return command;
    }

    private static Command Watch(IStudyClusterConnector connector, ClusterOptions clusterOption, HelpExamples examples)
    {
        var id = CliOptions.StudyId();
        var command = examples.Add(
            new Command("watch", "Follow a study live: a progress bar per running trial (rung, epoch), counts of waiting/running/paused/stopped/completed/failed trials, best score, busy slots. Ctrl+C stops watching, not the study.") { id },
            "lenssweep study watch quick");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var studyId = parseResult.GetRequiredValue(id);
            var address = clusterOption.Read(parseResult);
            await using var cluster = await connector.ConnectAsync(address, cancellationToken);
            _ = await cluster.FindAsync(studyId, cancellationToken) ?? throw StudyFollower.UnknownStudy(studyId, address);
            return await FollowOrDetachAsync(cluster, studyId, console, cancellationToken);
        });
        return command;
    }

    private static Command List(IStudyClusterConnector connector, ClusterOptions clusterOption, HelpExamples examples)
    {
        var command = examples.Add(
            new Command("list", "List the cluster's studies with their state, trial counts and best score."),
            "lenssweep study list");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var address = clusterOption.Read(parseResult);
            await using var cluster = await connector.ConnectAsync(address, cancellationToken);
            var studies = await cluster.ListAsync(cancellationToken);
            if (studies.Count == 0)
            {
                console.Out.WriteLine($"No studies on the cluster at {address}. Start one with: lenssweep study start <spec>");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "study", "state", "trials", "running", "done", "best", "metric", "started" })
            {
                table.AddColumn(column);
            }

            foreach (var study in studies.OrderBy(s => s.StudyId, StringComparer.Ordinal))
            {
                table.AddRow(
                    Markup.Escape(study.StudyId),
                    Naming.Of(study.State),
                    Count(study.Trials.Total),
                    Count(study.Trials.Running),
                    Count(study.Trials.Completed + study.Trials.Stopped),
                    Score(study.BestScore),
                    Markup.Escape(study.Metric),
                    study.StartedAt?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "–");
            }

            console.Ansi.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(IStudyClusterConnector connector, ClusterOptions clusterOption, HelpExamples examples)
    {
        var id = CliOptions.StudyId();
        var command = examples.Add(
            new Command("show", "Show one study: its state, trial counts, best score, top trials and which hyperparameter matters (fANOVA main effects).") { id },
            "lenssweep study show quick");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var studyId = parseResult.GetRequiredValue(id);
            var address = clusterOption.Read(parseResult);
            await using var cluster = await connector.ConnectAsync(address, cancellationToken);
            var results = await StudyFollower.RequireResultsAsync(cluster, studyId, address, cancellationToken);
            var study = results.Study;
            var c = study.Trials;
            var facts = new Grid().AddColumn().AddColumn();
            facts.AddRow("study", Markup.Escape(study.StudyId));
            facts.AddRow("state", Naming.Of(study.State));
            facts.AddRow("metric", Markup.Escape(study.Metric));
            facts.AddRow("best", Score(study.BestScore));
            facts.AddRow("trials", $"{c.Total} (waiting {c.Waiting}, running {c.Running}, paused {c.Paused}, stopped {c.Stopped}, completed {c.Completed}, failed {c.Failed})");
            facts.AddRow("searched", Markup.Escape(string.Join(", ", results.SearchedParameters)));
            facts.AddRow("started", study.StartedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "–");
            console.Ansi.Write(facts);
            console.Ansi.WriteLine();
            console.Ansi.Write(LeaderboardTable.Render(Leaderboard.Rank(results).Top(ShowLeaderboardRows)));
            console.Ansi.Write(ImportanceTable.Render(results, StudyImportance.Of(results)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Cancel(IStudyClusterConnector connector, ClusterOptions clusterOption, HelpExamples examples)
    {
        var id = CliOptions.StudyId();
        var command = examples.Add(
            new Command("cancel", "Cancel a study: running trials stop, no new trials start. Results so far are kept.") { id },
            "lenssweep study cancel quick");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var studyId = parseResult.GetRequiredValue(id);
            var address = clusterOption.Read(parseResult);
            await using var cluster = await connector.ConnectAsync(address, cancellationToken);
            if (!await cluster.CancelAsync(studyId, cancellationToken))
            {
                throw StudyFollower.UnknownStudy(studyId, address);
            }

            console.Out.WriteLine($"Cancelled study {studyId}; its results so far stay on the cluster.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Plot(IStudyClusterConnector connector, ClusterOptions clusterOption, HelpExamples examples)
    {
        var id = CliOptions.StudyId();
        var output = new Option<string>("--out")
        {
            Description = "File to write: .png or .svg.",
            HelpName = "file.png|file.svg",
            Required = true,
        };
        CliOptions.MustBePlotFile(output);
        var kind = CliOptions.Choice(
            "--kind",
            "scaling: probe score against each searched hyperparameter and against compute (Pareto front); trajectories: each trial's score per ASHA rung; parallel: every trial as a line across the searched hyperparameters and its score, coloured by score.",
            PlotKind.Scaling);
        var command = examples.Add(
            new Command("plot", "Plot a study: the scaling picture, the ASHA trajectories, or every trial in parallel coordinates.") { id, output, kind },
            "lenssweep study plot quick --out scaling.png",
            "lenssweep study plot quick --out trajectories.svg --kind trajectories",
            "lenssweep study plot quick --out parallel.png --kind parallel");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var studyId = parseResult.GetRequiredValue(id);
            var address = clusterOption.Read(parseResult);
            await using var cluster = await connector.ConnectAsync(address, cancellationToken);
            var results = await StudyFollower.RequireResultsAsync(cluster, studyId, address, cancellationToken);
            if (results.Trials.All(t => t.Rungs.Count == 0))
            {
                throw new CliInputException(
                    $"study '{studyId}' has no finished rungs yet, so there is nothing to plot",
                    $"Plot it once its first rung ends; follow it with 'lenssweep study watch {studyId}'.");
            }

            var path = parseResult.GetRequiredValue(output);
            var figure = parseResult.GetValue(kind) switch
            {
                PlotKind.Trajectories => TrajectoryPlot.Draw(results),
                PlotKind.Parallel => ParallelCoordinates.Draw(results),
                _ => ScalingPicture.Draw(results),
            };
            PlotFile.Save(figure, path);
            console.Out.WriteLine($"Wrote {path} ({string.Join(", ", figure.PanelTitles)}).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command History(IStudyClusterConnector connector, ClusterOptions clusterOption, HelpExamples examples)
    {
        var id = CliOptions.StudyId();
        var format = CliOptions.Choice(
            "--format",
            "table: each trial's score by epoch, from its untrained encoder (epoch 0), with 95% intervals; json or csv: every evaluation of every scored point, on validation and test (the run's history.json / history.csv).",
            LeaderboardFormat.Table);
        var command = examples.Add(
            new Command("history", "Show how each trial's score moved with pretraining: epoch 0 (random init) and every rung end.") { id, format },
            "lenssweep study history quick",
            "lenssweep study history quick --format csv > history.csv");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var studyId = parseResult.GetRequiredValue(id);
            var address = clusterOption.Read(parseResult);
            await using var cluster = await connector.ConnectAsync(address, cancellationToken);
            var results = await StudyFollower.RequireResultsAsync(cluster, studyId, address, cancellationToken);
            switch (parseResult.GetValue(format))
            {
                case LeaderboardFormat.Json:
                    console.Out.WriteLine(StudyHistory.ToJson(results));
                    break;
                case LeaderboardFormat.Csv:
                    StudyHistory.WriteCsv(results, console.Out);
                    break;
                default:
                    console.Out.Write(StudyHistory.ToTable(results));
                    break;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Ctrl+C while watching a remote study detaches: the study is the cluster's, not this console's.</summary>
    internal static async Task<int> FollowOrDetachAsync(IStudyCluster cluster, string studyId, Terminal.CliConsole console, CancellationToken cancellationToken)
    {
        try
        {
            return await StudyFollower.FollowAsync(cluster, studyId, console, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine($"lenssweep: stopped watching; study {studyId} keeps running on the cluster.");
            console.Error.WriteLine($"Follow it again with 'lenssweep study watch {studyId}'.");
            return ExitCodes.Success;
        }
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Score(double? value) => value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "–";
}

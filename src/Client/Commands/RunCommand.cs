using System.CommandLine;
using LensSweep.Client.Cluster;
using LensSweep.Client.Plotting;
using LensSweep.Client.Reporting;
using LensSweep.Client.Terminal;
using LensSweep.Grains.Specs;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;
using LensSweep.Reporting.Plotting;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>lenssweep run &lt;spec&gt;</c>: the whole study on this machine. A silo starts inside the console with
/// its state and checkpoints in the output folder, so an interrupted run picks up where it stopped when
/// run again with the same spec and folder.
/// </summary>
internal static class RunCommand
{
    public static readonly IReadOnlyList<string> OutputFiles =
        ["leaderboard.json", "leaderboard.csv", "history.json", "history.csv", "scaling.png", "scaling.svg", "trajectories.png", "trajectories.svg", "parallel.png", "parallel.svg"];

    public static Command Create(IEmbeddedClusterLauncher launcher, int cores, HelpExamples examples)
    {
        var spec = CliOptions.SpecFile();
        var output = new Option<string?>("--out")
        {
            Description = "Folder for the study's state, checkpoints, leaderboard and plots (default: runs/<study name>). Run again with the same folder to continue an interrupted study.",
            HelpName = "DIR",
        };
        CliOptions.MustNotBeAFile(output);
        var slots = CliOptions.Slots(cores);
        var repair = new Option<bool>("--repair-state")
        {
            Description = "Continue from a damaged state log (a record that fails its checksum with records after it) by keeping the state before the damage; the damaged file is kept beside it. Without it a damaged log stops the run.",
        };
        var serve = CliOptions.Serve();
        var serveToken = new Option<string?>("--serve-token")
        {
            Description = "With --serve: the page and its JSON want Authorization: Bearer TOKEN or ?token=TOKEN (401 otherwise).",
            HelpName = "TOKEN",
        };
        serveToken.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.Tokens.SingleOrDefault()?.Value))
            {
                result.AddError("--serve-token must not be empty.");
            }
        });
        var command = examples.Add(
            new Command("run", "Run a study end to end on this machine: an embedded silo, live progress, then the leaderboard and plots in the output folder.") { spec, output, slots, repair, serve, serveToken },
            "lenssweep run examples/quick.json",
            "lenssweep run examples/quick.json --out runs/quick --slots 2",
            "lenssweep run examples/quick.json --serve 8080");
        command.Validators.Add(result =>
        {
            if (result.GetResult(serveToken) is not null && result.GetResult(serve) is null)
            {
                result.AddError("--serve-token needs --serve [HOST:]PORT.");
            }
        });
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var specPath = parseResult.GetRequiredValue(spec);
            var studySpec = SpecFiles.Load(specPath);
            var requestedSlots = parseResult.GetValue(slots)?.Count;
            var detected = Engine.EmbeddedSiloLauncher.DetectSlots(requestedSlots);
            if (detected.Note is { } note)
            {
                console.Error.WriteLine($"note: {note}");
            }

            StudyPreflight.Require(studySpec, specPath, detected.Slots.Count, cancellationToken);
            var folder = parseResult.GetValue(output) ?? Path.Combine("runs", studySpec.Name);
            Directory.CreateDirectory(folder);
            WriteHeader(studySpec, folder, console);

            var page = parseResult.GetValue(serve) is { } endpoint ? new StudyPageAddress(endpoint, parseResult.GetValue(serveToken)) : null;
            if (page is { Token: null } && ServeAddress.IsReachableFromOtherMachines(page.Endpoint))
            {
                console.Error.WriteLine($"Warning: the study page at {page.Endpoint} has no token, so anyone who reaches that port reads every study on it; give --serve-token TOKEN, or serve on loopback (--serve PORT).");
            }

            await using var cluster = await launcher.StartAsync(new EmbeddedClusterOptions(folder, requestedSlots, parseResult.GetValue(repair), page), cancellationToken);
            if (page is not null)
            {
                console.Out.WriteLine($"Study page: http://{page.Endpoint}/" + (page.Token is null ? "" : " (give it the --serve-token: Authorization: Bearer, or ?token=)"));
            }

            try
            {
                var started = await cluster.StartAsync(studySpec, cancellationToken);
                if (started.State is StudyState.Completed or StudyState.Failed)
                {
                    console.Out.WriteLine($"Study {studySpec.Name} already {Naming.Of(started.State)} in {folder}; nothing is trained again, and its results are written there anew.");
                }

                return await FollowAndReportAsync(cluster, studySpec.Name, folder, console, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                console.WriteProblem(
                    $"interrupted; study {studySpec.Name} keeps its finished rungs and checkpoints in {folder}",
                    $"Run the same command again (same spec, --out {folder}) to continue where it stopped.");
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    /// <summary>Follows an embedded study to its end, then writes its leaderboard, history and figures into the
    /// run's folder; the exit code is the study's outcome.</summary>
    public static async Task<int> FollowAndReportAsync(IStudyCluster cluster, string studyId, string folder, CliConsole console, CancellationToken cancellationToken)
    {
        var exitCode = await StudyFollower.FollowAsync(cluster, studyId, console, cancellationToken, runFolder: folder);
        WriteReports(await StudyFollower.RequireResultsAsync(cluster, studyId, null, cancellationToken), folder);
        console.Out.WriteLine($"Wrote {string.Join(", ", OutputFiles)} to {folder}");
        return exitCode;
    }

    /// <summary>Writes the leaderboard, the history and the three figures into the run's folder.</summary>
    public static void WriteReports(StudyResults results, string folder)
    {
        var leaderboard = Leaderboard.Rank(results);
        File.WriteAllText(Path.Combine(folder, "leaderboard.json"), LeaderboardJson.ToJson(leaderboard));
        using (var csv = new StreamWriter(Path.Combine(folder, "leaderboard.csv")))
        {
            LeaderboardCsv.Write(leaderboard, csv);
        }

        File.WriteAllText(Path.Combine(folder, "history.json"), StudyHistory.ToJson(results));
        using (var csv = new StreamWriter(Path.Combine(folder, "history.csv")))
        {
            StudyHistory.WriteCsv(results, csv);
        }

        var scaling = ScalingPicture.Draw(results);
        var trajectories = TrajectoryPlot.Draw(results);
        var parallel = ParallelCoordinates.Draw(results);
        foreach (var extension in PlotFile.Extensions)
        {
            PlotFile.Save(scaling, Path.Combine(folder, "scaling" + extension));
            PlotFile.Save(trajectories, Path.Combine(folder, "trajectories" + extension));
            PlotFile.Save(parallel, Path.Combine(folder, "parallel" + extension));
        }
    }

    private static void WriteHeader(StudySpec spec, string folder, CliConsole console)
    {
        var trials = spec.TrialCount;
        var scheduler = spec.Scheduler;
        var schedule = scheduler.Kind == SchedulerKind.Asha
            ? $"ASHA from {scheduler.MinEpochs} to {scheduler.MaxEpochs} epochs (eta {scheduler.Eta})"
            : $"every trial to {scheduler.MaxEpochs} epochs";
        console.Out.WriteLine($"Study {spec.Name}: {trials} trials, {schedule}; output in {folder}");
    }
}

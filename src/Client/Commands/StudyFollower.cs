using LensSweep.Client.Cluster;
using LensSweep.Client.Reporting;
using LensSweep.Client.Terminal;
using LensSweep.Client.Watch;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Commands;

/// <summary>Shared steps of the commands that talk to a cluster: connecting, finding a study, following it to the end.</summary>
internal static class StudyFollower
{
    private const int FinalLeaderboardRows = 10;

    public static CliInputException UnknownStudy(string studyId, ClusterTarget? address) => new(
        address is null ? $"no study '{studyId}' here" : $"no study '{studyId}' on the cluster at {address}",
        "List the studies it holds with 'lenssweep study list' (and check --cluster and --cluster-id).");

    public static async Task<StudyResults> RequireResultsAsync(
        IStudyCluster cluster, string studyId, ClusterTarget? address, CancellationToken cancellationToken) =>
        await cluster.GetResultsAsync(studyId, cancellationToken) ?? throw UnknownStudy(studyId, address);

    /// <summary>Watches a study until it finishes, then prints its leaderboard.</summary>
    /// <param name="runFolder">An embedded run's folder: the hints then read it with <c>--run</c>, as no cluster outlives the run.</param>
    /// <returns>The exit code the study's outcome calls for.</returns>
    public static async Task<int> FollowAsync(IStudyCluster cluster, string studyId, CliConsole console, CancellationToken cancellationToken, string? runFolder = null)
    {
        var last = await StudyWatcher.WatchAsync(cluster.WatchAsync(studyId, cancellationToken), console, cancellationToken);
        if (last?.IsFinished == true)
        {
            var results = await RequireResultsAsync(cluster, studyId, null, cancellationToken);
            var leaderboard = Leaderboard.Rank(results);
            console.Ansi.Write(LeaderboardTable.Render(leaderboard.Top(FinalLeaderboardRows)));
            console.Ansi.Write(ImportanceTable.Render(results, StudyImportance.Of(results)));
            if (last.Study.State == StudyState.Failed)
            {
                // The table shows only its top rows; when every trial failed, the first reasons are the news.
                foreach (var row in leaderboard.Rows.Where(r => r.FailureReason is not null).Take(LeaderboardTable.MaxFailureLines))
                {
                    console.Error.WriteLine($"lenssweep: {row.TrialId} failed {row.FailureReason}");
                }
            }
        }

        return Outcome(studyId, last?.Study.State, console, runFolder);
    }

    public static int Outcome(string studyId, StudyState? state, CliConsole console, string? runFolder = null)
    {
        var reading = runFolder is null ? string.Empty : $" --run {runFolder}";
        switch (state)
        {
            case StudyState.Completed:
                return ExitCodes.Success;
            case StudyState.Failed:
                console.WriteProblem($"study '{studyId}' failed", $"See which trials failed with 'lenssweep study show {studyId}{reading}'.");
                return ExitCodes.Failed;
            case StudyState.Cancelled:
                console.WriteProblem($"study '{studyId}' was cancelled", "Start it again to continue from its last checkpoints.");
                return ExitCodes.Failed;
            default:
                console.WriteProblem(
                    $"lost the status of study '{studyId}' before it finished",
                    $"It may still be running; follow it again with 'lenssweep study watch {studyId}'.");
                return ExitCodes.Failed;
        }
    }
}

using System.CommandLine;
using LensSweep.Client.Cluster;
using LensSweep.Client.Reporting;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Commands;

/// <summary><c>lenssweep leaderboard &lt;id&gt;</c>: a study's trials ranked by probe score, as a table, JSON or CSV.</summary>
internal static class LeaderboardCommand
{
    public static Command Create(IStudyClusterConnector connector, Func<string, string?> environment, HelpExamples examples)
    {
        var cluster = new ClusterOptions(environment);
        var id = CliOptions.StudyId();
        var top = CliOptions.OptionalWholeNumber("--top", "Show only the best N trials.");
        var format = CliOptions.Choice(
            "--format",
            "table for people; json (stable snake_case fields) or csv (RFC 4180) for scripts.",
            LeaderboardFormat.Table);
        var command = examples.Add(
            cluster.AddTo(new Command("leaderboard", "Rank a study's trials by probe score at the highest rung each reached.") { id, top, format }),
            "lenssweep leaderboard quick --top 5",
            "lenssweep leaderboard quick --format json > leaderboard.json",
            "lenssweep leaderboard quick --format csv --cluster 10.0.0.4:30000");
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var studyId = parseResult.GetRequiredValue(id);
            var address = cluster.Read(parseResult);
            await using var session = await connector.ConnectAsync(address, cancellationToken);
            var results = await StudyFollower.RequireResultsAsync(session, studyId, address, cancellationToken);
            var leaderboard = Leaderboard.Rank(results);
            if (parseResult.GetValue(top) is { } count)
            {
                leaderboard = leaderboard.Top(count);
            }

            LeaderboardPrinter.Print(leaderboard, parseResult.GetValue(format), console);
            return ExitCodes.Success;
        });
        return command;
    }
}

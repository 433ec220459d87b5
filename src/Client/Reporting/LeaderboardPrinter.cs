using LensSweep.Client.Terminal;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Reporting;

/// <summary>Prints a leaderboard in the format the user asked for.</summary>
public static class LeaderboardPrinter
{
    public static void Print(Leaderboard leaderboard, LeaderboardFormat format, CliConsole console)
    {
        switch (format)
        {
            case LeaderboardFormat.Json:
                LeaderboardJson.Write(leaderboard, console.Out);
                break;
            case LeaderboardFormat.Csv:
                LeaderboardCsv.Write(leaderboard, console.Out);
                break;
            default:
                console.Ansi.Write(LeaderboardTable.Render(leaderboard));
                break;
        }
    }
}

namespace LensSweep.Client.Reporting;

/// <summary>How <c>lenssweep leaderboard</c> prints: a table for people, JSON or CSV for scripts.</summary>
public enum LeaderboardFormat
{
    Table,
    Json,
    Csv,
}

namespace LensSweep.Client.Tests;

public sealed class StudyHistoryCommandTests
{
    [Fact]
    public async Task Study_history_prints_one_line_per_scored_point_of_every_trial()
    {
        var (code, output, error) = await CliHarness.RunAsync("study", "history", "quick");

        Assert.True(code == ExitCodes.Success, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var points = SampleStudy.Trials().Sum(t => t.Rungs.Count);
        Assert.Equal(points + 1, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("quick/trial-5", StringComparison.Ordinal) && l.Contains(" 4 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Study_history_as_csv_has_the_history_files_columns()
    {
        var (code, output, _) = await CliHarness.RunAsync("study", "history", "quick", "--format", "csv");

        Assert.Equal(ExitCodes.Success, code);
        Assert.StartsWith(string.Join(",", LensSweep.Client.Reporting.StudyHistory.CsvColumns), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Study_history_of_an_unknown_study_names_it()
    {
        var (code, _, error) = await CliHarness.RunAsync("study", "history", "nope");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no study 'nope'", error);
    }
}

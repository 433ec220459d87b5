using System.Globalization;
using System.Text.Json;
using LensSweep.Client.Reporting;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Tests;

public sealed class LeaderboardTests
{
    [Fact]
    public void Trials_are_ranked_by_their_latest_rung_score_best_first()
    {
        var leaderboard = Leaderboard.Rank(SampleStudy.Results());

        Assert.Equal(Enumerable.Range(1, 6), leaderboard.Rows.Select(r => r.Rank));
        var scores = leaderboard.Rows.Select(r => r.Score!.Value).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal("quick/trial-5", leaderboard.Rows[0].TrialId);
        Assert.Equal(2, leaderboard.Rows[0].Rung);
    }

    [Fact]
    public void Trials_without_a_finished_rung_come_last()
    {
        var results = SampleStudy.Results();
        var waiting = new TrialTrajectory("quick/trial-9", TrialPhase.Waiting, results.Trials[0].Parameters, []);
        var leaderboard = Leaderboard.Rank(results with { Trials = [waiting, .. results.Trials] });

        Assert.Equal("quick/trial-9", leaderboard.Rows[^1].TrialId);
        Assert.Null(leaderboard.Rows[^1].Score);
    }

    [Fact]
    public void Json_parses_back_with_the_documented_field_names_and_values()
    {
        var leaderboard = Leaderboard.Rank(SampleStudy.Results());

        using var json = JsonDocument.Parse(LeaderboardJson.ToJson(leaderboard));

        var root = json.RootElement;
        Assert.Equal("quick", root.GetProperty("study_id").GetString());
        Assert.Equal("val_auc", root.GetProperty("metric").GetString());
        Assert.Equal(SampleStudy.Searched, root.GetProperty("parameters").EnumerateArray().Select(e => e.GetString()));
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(leaderboard.Rows.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var expected = leaderboard.Rows[i];
            var row = rows[i];
            Assert.Equal(expected.Rank, row.GetProperty("rank").GetInt32());
            Assert.Equal(expected.TrialId, row.GetProperty("trial_id").GetString());
            Assert.Equal(expected.State.ToString().ToLowerInvariant(), row.GetProperty("state").GetString());
            Assert.Equal(expected.Rung, row.GetProperty("rung").GetInt32());
            Assert.Equal(expected.Epochs, row.GetProperty("epochs").GetInt32());
            Assert.Equal(expected.Score, row.GetProperty("score").GetDouble());
            Assert.Equal(expected.Seconds, row.GetProperty("seconds").GetDouble());
            Assert.Equal(expected.Flops, row.GetProperty("flops").GetDouble());
            foreach (var parameter in expected.Parameters)
            {
                Assert.Equal(parameter.Value.Number, row.GetProperty("parameters").GetProperty(parameter.Name).GetDouble());
            }
        }
    }

    [Fact]
    public void Json_writes_unknown_scores_as_null_and_named_choices_as_strings()
    {
        var row = new LeaderboardRow(1, "s/trial-0", TrialPhase.Running, 0, 0, null, 0, null,
            [new ParameterSetting("optimizer", ParameterValue.Of("adamw"))]);
        var leaderboard = new Leaderboard("s", "val_auc", ["optimizer"], [row]);

        using var json = JsonDocument.Parse(LeaderboardJson.ToJson(leaderboard));

        var parsed = json.RootElement.GetProperty("rows")[0];
        Assert.Equal(JsonValueKind.Null, parsed.GetProperty("score").ValueKind);
        Assert.Equal(JsonValueKind.Null, parsed.GetProperty("flops").ValueKind);
        Assert.Equal("adamw", parsed.GetProperty("parameters").GetProperty("optimizer").GetString());
    }

    [Fact]
    public void Csv_parses_back_row_for_row_with_a_header()
    {
        var leaderboard = Leaderboard.Rank(SampleStudy.Results());
        var text = new StringWriter();

        LeaderboardCsv.Write(leaderboard, text);

        var records = Rfc4180.Parse(text.ToString());
        Assert.Equal([.. LeaderboardCsv.FixedColumns, .. SampleStudy.Searched], records[0]);
        Assert.Equal(leaderboard.Rows.Count + 1, records.Count);
        var header = records[0];
        for (var i = 0; i < leaderboard.Rows.Count; i++)
        {
            var expected = leaderboard.Rows[i];
            var fields = records[i + 1];
            string Field(string column) => fields[header.IndexOf(column)];
            Assert.Equal(expected.TrialId, Field("trial_id"));
            Assert.Equal(expected.Score, double.Parse(Field("score"), CultureInfo.InvariantCulture));
            Assert.Equal(expected.Flops, double.Parse(Field("flops"), CultureInfo.InvariantCulture));
            Assert.Equal(expected.Parameters[2].Value.Number, double.Parse(Field("learning_rate"), CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Csv_quotes_fields_with_commas_quotes_and_line_breaks()
    {
        var tricky = "adamw, \"fused\"\nv2";
        var row = new LeaderboardRow(1, "s/trial,0", TrialPhase.Completed, 1, 2, 0.5, 1.5, null,
            [new ParameterSetting("optimizer", ParameterValue.Of(tricky))]);
        var text = new StringWriter();

        LeaderboardCsv.Write(new Leaderboard("s", "val_auc", ["optimizer"], [row]), text);

        var records = Rfc4180.Parse(text.ToString());
        Assert.Equal(2, records.Count);
        Assert.Equal("s/trial,0", records[1][1]);
        Assert.Equal(tricky, records[1][^1]);
        Assert.Equal(string.Empty, records[1][7]);
    }

    [Fact]
    public async Task Leaderboard_command_prints_json_that_parses_and_honours_top()
    {
        var (code, output, _) = await CliHarness.RunAsync("leaderboard", "quick", "--format", "json", "--top", "2");

        Assert.Equal(ExitCodes.Success, code);
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(1, rows[0].GetProperty("rank").GetInt32());
    }

    [Fact]
    public async Task Leaderboard_command_prints_a_table_by_default()
    {
        var (code, output, _) = await CliHarness.RunAsync("leaderboard", "quick");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("quick/trial-5", output);
        Assert.Contains("mask_ratio", output);
        Assert.Contains("val_auc", output);
    }
}

public sealed class LeaderboardRankingTests
{
    [Fact]
    public void A_study_that_minimises_its_metric_ranks_the_lowest_score_first()
    {
        var results = SampleStudy.Results();
        var leaderboard = Leaderboard.Rank(results with { Study = results.Study with { Mode = LensSweep.Grains.Scheduling.MetricMode.Min } });

        var scores = leaderboard.Rows.Select(r => r.Score!.Value).ToList();
        Assert.Equal(scores.Order(), scores);
        Assert.Equal("min", JsonDocument.Parse(LeaderboardJson.ToJson(leaderboard)).RootElement.GetProperty("mode").GetString());
    }

    [Fact]
    public void Equal_scores_rank_the_trial_trained_longer_first_then_the_lower_trial_number()
    {
        var parameters = SampleStudy.Results().Trials[0].Parameters;
        TrialTrajectory Trial(int number, int epochs) =>
            new($"tie/{number}", TrialPhase.Completed, parameters, [new RungScore(0, epochs, 0.8, 1, null)]);
        var results = SampleStudy.Results() with { Trials = [Trial(10, 3), Trial(2, 3), Trial(7, 9)] };

        var leaderboard = Leaderboard.Rank(results);

        Assert.Equal(["tie/7", "tie/2", "tie/10"], leaderboard.Rows.Select(r => r.TrialId));
    }

    [Fact]
    public void A_failed_trial_carries_its_reason_into_json_csv_and_the_table()
    {
        var results = SampleStudy.Results();
        var failed = new TrialTrajectory("quick/9", TrialPhase.Failed, results.Trials[0].Parameters, [], "rung 0: InvalidDataException: no .npy files in data/x");
        var leaderboard = Leaderboard.Rank(results with { Trials = [failed, .. results.Trials] });

        Assert.Equal("quick/9", leaderboard.Rows[^1].TrialId);
        var rows = JsonDocument.Parse(LeaderboardJson.ToJson(leaderboard)).RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal("rung 0: InvalidDataException: no .npy files in data/x", rows[^1].GetProperty("failure_reason").GetString());
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("failure_reason").ValueKind);
        using var csv = new StringWriter();
        LeaderboardCsv.Write(leaderboard, csv);
        Assert.Contains("rung 0: InvalidDataException: no .npy files in data/x", csv.ToString().Split("\r\n")[^2]);
        var text = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No,
            Out = new Spectre.Console.AnsiConsoleOutput(text),
        });
        console.Profile.Width = 250;
        console.Write(LeaderboardTable.Render(leaderboard));
        Assert.Contains("quick/9 failed rung 0: InvalidDataException", text.ToString());
    }
}

using System.Text.Json;
using LensSweep.Client.Reporting;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;
using MetricReading = LensSweep.Grains.Trials.MetricReading;
using ProbeScores = LensSweep.Grains.Trials.ProbeScores;

namespace LensSweep.Client.Tests;

/// <summary>A leaderboard reads every score against the trial's own untrained encoder and the pixels.</summary>
public sealed class ScoredLeaderboardTests
{
    private static ProbeScores Scores(double r2, double low, double high, double test) => new(0.8, 0.7, 0.75, 0.65)
    {
        Validation = new Dictionary<string, MetricReading> { ["r2_macro"] = new(r2, low, high) },
        Test = new Dictionary<string, MetricReading> { ["r2_macro"] = MetricReading.Of(test) },
    };

    private static StudyResults Results(string metric)
    {
        var sample = SampleStudy.Results();
        var parameters = sample.Trials[0].Parameters;
        var trained = new TrialTrajectory("s/0", TrialPhase.Completed, parameters,
            [new RungScore(0, 2, metric.EndsWith("_gain", StringComparison.Ordinal) ? 0.05 : 0.65, 10, 1e9, Scores(0.65, 0.62, 0.68, 0.64))],
            Initial: Scores(0.60, 0.57, 0.63, 0.59));
        return sample with
        {
            Study = sample.Study with { Metric = metric },
            Trials = [trained],
            PixelBaseline = Scores(0.44, 0.40, 0.48, 0.43),
        };
    }

    [Fact]
    public void Json_rows_carry_the_interval_the_gain_the_random_init_and_the_test_score()
    {
        var leaderboard = Leaderboard.Rank(Results("r2_macro"));

        using var json = JsonDocument.Parse(LeaderboardJson.ToJson(leaderboard));

        var row = json.RootElement.GetProperty("rows")[0];
        Assert.Equal(0.65, row.GetProperty("score").GetDouble());
        Assert.Equal([0.62, 0.68], row.GetProperty("score_ci").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(0.05, row.GetProperty("gain").GetDouble(), 10);
        Assert.Equal(0.60, row.GetProperty("random_init_score").GetDouble());
        Assert.Equal(0.64, row.GetProperty("test_score").GetDouble());
        Assert.Equal(0.65, row.GetProperty("metrics").GetProperty("r2_macro").GetDouble());
        Assert.Equal(0.8, row.GetProperty("metrics").GetProperty("probe_auc").GetDouble());
        Assert.Equal(0.44, json.RootElement.GetProperty("baselines").GetProperty("pixels").GetProperty("r2_macro").GetDouble());
    }

    [Fact]
    public void Json_records_the_probe_settings_every_score_was_made_with()
    {
        var results = Results("r2_macro");
        var probe = new LensSweep.Grains.Specs.ProbeSettings { Pooling = LensSweep.Models.Mae.FeaturePooling.RegionMeans, Layers = 2, TrainImages = 120 };

        using var json = JsonDocument.Parse(LeaderboardJson.ToJson(Leaderboard.Rank(results with { Study = results.Study with { Probe = probe } })));

        var recorded = json.RootElement.GetProperty("probe");
        Assert.Equal(("regions", 2, 120, 4), (recorded.GetProperty("pooling").GetString(), recorded.GetProperty("layers").GetInt32(),
            recorded.GetProperty("train_images").GetInt32(), recorded.GetProperty("region_grid").GetInt32()));
    }

    [Fact]
    public void Json_says_null_for_the_probe_when_the_cluster_does_not_tell_it()
    {
        using var json = JsonDocument.Parse(LeaderboardJson.ToJson(Leaderboard.Rank(Results("r2_macro"))));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("probe").ValueKind);
    }

    [Fact]
    public void A_gain_metric_has_its_interval_shifted_by_the_random_init_score()
    {
        var row = Leaderboard.Rank(Results("r2_macro_gain")).Rows[0];

        Assert.Equal(0.02, row.ScoreInterval!.Value.Low, 10);
        Assert.Equal(0.08, row.ScoreInterval!.Value.High, 10);
        Assert.Equal(0.60, row.RandomInitScore);
    }

    [Fact]
    public void History_has_an_epoch_zero_entry_then_one_per_rung()
    {
        using var json = JsonDocument.Parse(StudyHistory.ToJson(Results("r2_macro")));

        var entries = json.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([0, 2], entries.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.Equal(JsonValueKind.Null, entries[0].GetProperty("rung").ValueKind);
        Assert.Equal(0.57, entries[0].GetProperty("validation").GetProperty("r2_macro").GetProperty("low").GetDouble());
        Assert.Equal(0.64, entries[1].GetProperty("test").GetProperty("r2_macro").GetProperty("value").GetDouble());
    }

    [Fact]
    public void History_csv_has_a_row_per_entry_split_and_metric()
    {
        using var csv = new StringWriter();
        StudyHistory.WriteCsv(Results("r2_macro"), csv);

        var lines = csv.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', StudyHistory.CsvColumns), lines[0]);
        Assert.Contains("s/0,0,,0,0,validation,r2_macro,0.6,0.57,0.63", lines);
        Assert.Equal(1 + (2 * 2 * 3), lines.Length);   // 2 entries × 2 splits × (r2_macro, probe_auc, probe_accuracy)
    }

    [Fact]
    public void The_table_shows_the_interval_the_gain_and_the_pixel_baseline()
    {
        var text = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No,
            Out = new Spectre.Console.AnsiConsoleOutput(text),
        });
        console.Profile.Width = 250;

        console.Write(LeaderboardTable.Render(Leaderboard.Rank(Results("r2_macro"))));

        Assert.Contains("0.6500 ±0.0300", text.ToString());
        Assert.Contains("+0.0500", text.ToString());
        Assert.Contains("raw pixels: r2_macro = 0.4400", text.ToString());
    }

    private static StudyResults FailedPixels() =>
        Results("r2_macro") with { PixelBaseline = null, PixelBaselineFailure = "TimeoutException: the scorer hung" };

    [Fact]
    public void The_table_says_why_the_pixel_baseline_failed()
    {
        var text = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No,
            Out = new Spectre.Console.AnsiConsoleOutput(text),
        });
        console.Profile.Width = 250;

        console.Write(LeaderboardTable.Render(Leaderboard.Rank(FailedPixels())));

        Assert.Contains("pixel baseline: failed — TimeoutException: the scorer hung", text.ToString());
    }

    [Fact]
    public void Json_carries_why_the_pixel_baseline_failed()
    {
        using var json = JsonDocument.Parse(LeaderboardJson.ToJson(Leaderboard.Rank(FailedPixels())));

        Assert.Equal("TimeoutException: the scorer hung", json.RootElement.GetProperty("baselines").GetProperty("pixels_failure_reason").GetString());
    }

    [Fact]
    public void Csv_ends_with_a_failed_pixel_baseline_row_and_its_reason()
    {
        var csv = new StringWriter();

        LeaderboardCsv.Write(Leaderboard.Rank(FailedPixels()), csv);

        var last = csv.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[^1].Split(',');
        Assert.Equal(["pixels", "failed"], last[1..3]);
        Assert.Equal("TimeoutException: the scorer hung", last[LeaderboardCsv.FixedColumns.ToList().IndexOf("failure_reason")]);
    }

    [Fact]
    public void Csv_ends_with_the_computed_pixel_baseline_row_and_its_score()
    {
        var csv = new StringWriter();

        LeaderboardCsv.Write(Leaderboard.Rank(Results("r2_macro")), csv);

        var last = csv.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[^1].Split(',');
        Assert.Equal(["", "pixels", "completed", "", "", "0.44"], last[0..6]);
    }
}

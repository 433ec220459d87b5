using System.Text;
using System.Text.Json;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Leaderboards;

/// <summary>
/// The leaderboard as JSON for scripts. The field names are a contract and do not change:
/// <code>
/// {
///   "study_id": "quick",
///   "metric": "probe_accuracy",
///   "mode": "max",
///   "parameters": ["mask_ratio", "patch_size"],
///   "rows": [
///     { "rank": 1, "trial_id": "quick/trial-3", "state": "completed", "rung": 2, "epochs": 9,
///       "score": 0.91, "score_ci": [0.88, 0.93], "gain": 0.04, "random_init_score": 0.87, "test_score": 0.9,
///       "metrics": { "probe_auc": 0.91, "r2_macro": 0.66 },
///       "seconds": 41.2, "flops": 1.3e12, "failure_reason": null,
///       "parameters": { "mask_ratio": 0.75, "patch_size": 8 } }
///   ],
///   "baselines": { "pixels": { "probe_auc": 0.93, "r2_macro": 0.44 }, "pixels_failure_reason": null },
///   "probe": { "pooling": "mean", "layers": 1, "train_images": null, "region_grid": 4 }
/// }
/// </code>
/// <c>state</c> is one of waiting, running, paused, stopped, completed, failed. <c>score</c> and <c>flops</c>
/// are null when unknown. <c>mode</c> says whether a higher (max) or lower (min) score ranks first.
/// <c>score</c> is the metric the study ranks by and <c>score_ci</c> its 95% bootstrap interval over the
/// validation split; <c>gain</c> is the evaluation behind the metric minus the same evaluation of the trial's
/// untrained encoder (<c>random_init_score</c>, epoch 0); <c>test_score</c> is that evaluation on the test
/// split, reported once and never used to rank; <c>metrics</c> holds every evaluation of the latest rung.
/// With <c>repeats</c>, a row is a configuration: <c>score</c> is the mean of its repeats at their shared rung,
/// <c>score_sd</c> their standard deviation, <c>n</c> how many, <c>score_ci</c> a 95% Student-t interval of the
/// mean, and <c>trial_ids</c> the repeats (a single trial has n 1, score_sd null and its own id).
/// Each is null when not known. <c>baselines.pixels</c> holds the evaluations on raw pixels, once per study (empty
/// while not computed); <c>baselines.pixels_failure_reason</c> says why it could not be computed, null otherwise.
/// <c>probe</c> is how every score was made (the spec's <c>probe.pooling</c>, <c>probe.layers</c>,
/// <c>probe.train_images</c>, null = the whole train split, and <c>evaluation.region_grid</c>); null when the cluster does not say.
/// <c>failure_reason</c> is one line (the rung, exception type and message) for a failed trial, null otherwise. Parameter values are JSON numbers, or strings for named choices.
/// </summary>
public static class LeaderboardJson
{
    public static void Write(Leaderboard leaderboard, TextWriter output)
    {
        output.Write(ToJson(leaderboard));
        output.WriteLine();
    }

    public static string ToJson(Leaderboard leaderboard)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("study_id", leaderboard.StudyId);
            json.WriteString("metric", leaderboard.Metric);
            json.WriteString("mode", Naming.Of(leaderboard.Mode));
            json.WriteStartArray("parameters");
            foreach (var name in leaderboard.Parameters)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteStartArray("rows");
            foreach (var row in leaderboard.Rows)
            {
                WriteRow(json, row);
            }

            json.WriteEndArray();
            json.WriteStartObject("baselines");
            WriteMetrics(json, "pixels", leaderboard.PixelBaseline);
            if (leaderboard.PixelBaselineFailure is { } failure)
            {
                json.WriteString("pixels_failure_reason", failure);
            }
            else
            {
                json.WriteNull("pixels_failure_reason");
            }
            json.WriteEndObject();
            WriteProbe(json, leaderboard.Probe);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteRow(Utf8JsonWriter json, LeaderboardRow row)
    {
        json.WriteStartObject();
        json.WriteNumber("rank", row.Rank);
        json.WriteString("trial_id", row.TrialId);
        json.WriteString("state", Naming.Of(row.State));
        json.WriteNumber("rung", row.Rung);
        json.WriteNumber("epochs", row.Epochs);
        WriteNumberOrNull(json, "score", row.Score);
        if (row.ScoreInterval is var (low, high))
        {
            json.WriteStartArray("score_ci");
            json.WriteNumberValue(low);
            json.WriteNumberValue(high);
            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("score_ci");
        }

        WriteNumberOrNull(json, "score_sd", row.ScoreSd);
        json.WriteNumber("n", row.N);
        json.WriteStartArray("trial_ids");
        foreach (var id in row.TrialIds)
        {
            json.WriteStringValue(id);
        }

        json.WriteEndArray();
        WriteNumberOrNull(json, "gain", row.Gain);
        WriteNumberOrNull(json, "random_init_score", row.RandomInitScore);
        WriteNumberOrNull(json, "test_score", row.TestScore);
        WriteMetrics(json, "metrics", row.Metrics);
        json.WriteNumber("seconds", row.Seconds);
        WriteNumberOrNull(json, "flops", row.Flops);
        if (row.FailureReason is { } reason)
        {
            json.WriteString("failure_reason", reason);
        }
        else
        {
            json.WriteNull("failure_reason");
        }

        json.WriteStartObject("parameters");
        foreach (var parameter in row.Parameters)
        {
            WriteValue(json, parameter.Name, parameter.Value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteProbe(Utf8JsonWriter json, LensSweep.Grains.Specs.ProbeSettings? probe)
    {
        if (probe is null)
        {
            json.WriteNull("probe");
            return;
        }

        json.WriteStartObject("probe");
        json.WriteString("pooling", probe.PoolingName);
        json.WriteNumber("layers", probe.Layers);
        WriteNumberOrNull(json, "train_images", probe.TrainImages);
        json.WriteNumber("region_grid", probe.RegionGrid);
        json.WriteEndObject();
    }

    private static void WriteMetrics(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, double> metrics)
    {
        json.WriteStartObject(name);
        foreach (var (metric, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            WriteNumberOrNull(json, metric, value);
        }

        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string name, ParameterValue value)
    {
        if (value.Number is { } number)
        {
            WriteNumberOrNull(json, name, number);
        }
        else
        {
            json.WriteString(name, value.Text);
        }
    }
}

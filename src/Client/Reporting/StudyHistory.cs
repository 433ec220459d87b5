using System.Globalization;
using System.Text;
using System.Text.Json;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Reporting;

/// <summary>
/// Every evaluation of every trial at every point it was scored — epoch 0 (its untrained encoder) and the
/// end of each rung — on validation and test with their intervals, with the cost spent by then. The JSON
/// field names are a contract:
/// <code>
/// { "study_id": "quick", "metric": "r2_macro_gain",
///   "entries": [
///     { "trial_id": "quick/3", "epoch": 0, "rung": null, "seconds": 0, "flops": 0,
///       "validation": { "r2_macro": { "value": 0.61, "low": 0.58, "high": 0.64 }, … },
///       "test": { "r2_macro": { "value": 0.60, "low": null, "high": null }, … } },
///     { "trial_id": "quick/3", "epoch": 2, "rung": 0, "seconds": 41.2, "flops": 1.3e12, … } ] }
/// </code>
/// The CSV has one row per (entry, split, metric): trial_id, epoch, rung, seconds, flops, split, metric,
/// value, low, high. Test values are reported, never used for a decision.
/// </summary>
public static class StudyHistory
{
    public static readonly IReadOnlyList<string> CsvColumns =
        ["trial_id", "epoch", "rung", "seconds", "flops", "split", "metric", "value", "low", "high"];

    /// <summary>One scored point of one trial.</summary>
    /// <param name="Rung">The rung that ended here; null for epoch 0.</param>
    public sealed record Entry(string TrialId, int Epoch, int? Rung, double Seconds, double? Flops, ProbeScores Scores);

    /// <summary>Each trial's epoch-0 entry, then its rungs in order; trials in name order.</summary>
    public static IReadOnlyList<Entry> Entries(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var entries = new List<Entry>();
        foreach (var trial in results.Trials.OrderBy(t => TrialKeys.TrialNumberOf(t.TrialId) ?? int.MaxValue).ThenBy(t => t.TrialId, StringComparer.Ordinal))
        {
            if (trial.Initial is { } initial)
            {
                entries.Add(new Entry(trial.TrialId, 0, null, 0, 0, initial));
            }

            entries.AddRange(trial.Rungs.Where(r => r.Scores is not null).OrderBy(r => r.Rung)
                .Select(r => new Entry(trial.TrialId, r.Epochs, r.Rung, r.Seconds, r.Flops, r.Scores!)));
        }

        return entries;
    }

    /// <summary>One line per scored point of each trial with the study's metric and its interval, for people.</summary>
    public static string ToTable(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var metric = MetricNames.Parse(results.Study.Metric);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"trial",-14} {"epoch",5}  {results.Study.Metric,-10} 95% interval");
        foreach (var trial in results.Trials.OrderBy(t => TrialKeys.TrialNumberOf(t.TrialId) ?? int.MaxValue).ThenBy(t => t.TrialId, StringComparer.Ordinal))
        {
            foreach (var (epochs, score, low, high) in trial.ScorePoints(metric))
            {
                var interval = double.IsFinite(low) && double.IsFinite(high) ? string.Create(CultureInfo.InvariantCulture, $"[{low:0.0000}, {high:0.0000}]") : "–";
                var note = epochs == 0 ? "  untrained encoder" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"{trial.TrialId,-14} {epochs,5}  {score,-10:0.0000} {interval}{note}");
            }
        }

        return text.ToString();
    }

    public static string ToJson(StudyResults results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("study_id", results.Study.StudyId);
            json.WriteString("metric", results.Study.Metric);
            json.WriteStartArray("entries");
            foreach (var entry in Entries(results))
            {
                json.WriteStartObject();
                json.WriteString("trial_id", entry.TrialId);
                json.WriteNumber("epoch", entry.Epoch);
                if (entry.Rung is { } rung)
                {
                    json.WriteNumber("rung", rung);
                }
                else
                {
                    json.WriteNull("rung");
                }

                json.WriteNumber("seconds", entry.Seconds);
                Number(json, "flops", entry.Flops);
                WriteSplit(json, "validation", Split(entry.Scores, test: false));
                WriteSplit(json, "test", Split(entry.Scores, test: true));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WriteCsv(StudyResults results, TextWriter output)
    {
        output.Write(string.Join(',', CsvColumns) + "\r\n");
        foreach (var entry in Entries(results))
        {
            foreach (var (split, test) in new[] { ("validation", false), ("test", true) })
            {
                foreach (var (metric, reading) in Split(entry.Scores, test))
                {
                    var fields = new[]
                    {
                        entry.TrialId, Text(entry.Epoch), entry.Rung is { } r ? Text(r) : "", Text(entry.Seconds), Text(entry.Flops),
                        split, metric, Text(reading.Value), Text(reading.Low), Text(reading.High),
                    };
                    output.Write(string.Join(',', fields.Select(LeaderboardCsv.Escape)) + "\r\n");
                }
            }
        }
    }

    /// <summary>A split's evaluations by name, the probe's two scores included, in name order.</summary>
    private static IEnumerable<KeyValuePair<string, MetricReading>> Split(ProbeScores scores, bool test)
    {
        var metrics = (test ? scores.Test : scores.Validation).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        foreach (var probe in new[] { "probe_auc", "probe_accuracy" })
        {
            if (!metrics.ContainsKey(probe) && Grains.Specs.MetricNames.Read(scores, probe, test) is { Value: var v } reading && double.IsFinite(v))
            {
                metrics[probe] = reading;
            }
        }

        return metrics.OrderBy(m => m.Key, StringComparer.Ordinal);
    }

    private static void WriteSplit(Utf8JsonWriter json, string name, IEnumerable<KeyValuePair<string, MetricReading>> metrics)
    {
        json.WriteStartObject(name);
        foreach (var (metric, reading) in metrics)
        {
            json.WriteStartObject(metric);
            Number(json, "value", reading.Value);
            Number(json, "low", reading.Low);
            Number(json, "high", reading.High);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
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

    private static string Text(double? value) =>
        value is { } number && double.IsFinite(number) ? number.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
}

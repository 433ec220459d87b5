using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Finetuning;

namespace LensSweep.Client.Commands;

/// <summary>One row of a downstream report: a trained contender (with its <paramref name="Result"/>) or a baseline that
/// trains nothing (bilinear upsampling; no result), with its scores (each read by a <see cref="DownstreamMetric{TScores}"/>).</summary>
internal sealed record ScoredRow<TScores>(string Name, ContenderResult? Result, TScores Validation, TScores Test);

/// <summary>
/// The report every <c>lenssweep finetune</c> task ends with: the test table (each row's scores with their 95%
/// bootstrap intervals and its best epoch), the pretrained encoder's margin over every other row on the task's
/// first metric with a paired bootstrap interval (<see cref="PairedGain"/>: every row is scored on the same
/// resampled test images), and results.json (the run's settings, every row's scores and history, the margins).
/// </summary>
internal static class DownstreamReport
{
    public static void Write<TScores>(
        TextWriter console,
        string folder,
        string taskName,
        Prepared prepared,
        FinetuneSettings settings,
        bool tta,
        DownstreamData data,
        IReadOnlyList<DownstreamMetric<TScores>> metrics,
        IReadOnlyList<ScoredRow<TScores>> rows,
        object? extra,
        IReadOnlyList<string> figures)
    {
        console.WriteLine();
        console.WriteLine($"Test, {data.Test.Count} images, each contender at its best validation epoch{(tta ? ", with TTA" : "")} (95% bootstrap intervals):");
        foreach (var row in rows)
        {
            var scores = string.Join("  ", metrics.Select(m => $"{m.Label} {Format(m.Of(row.Test))}"));
            console.WriteLine($"  {row.Name,-15} {scores}{(row.Result is { } r ? $"  (epoch {r.BestEpoch + 1})" : "")}");
        }

        var primary = metrics[0];
        var pretrained = rows.Single(r => r.Name == DownstreamRun.NameOf(Contender.Pretrained));
        var margins = rows.Where(r => r != pretrained)
            .Select(r => (Against: r.Name, Gain: PairedGain.Of(primary.Key, primary.Of(pretrained.Test), primary.Of(r.Test))))
            .ToList();
        foreach (var (against, gain) in margins)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Pretrained minus {Display(against)}: {gain.Value:+0.000;-0.000;0.000} [{gain.Low:+0.000;-0.000;0.000}, {gain.High:+0.000;-0.000;0.000}] test {primary.Label} (paired 95% bootstrap interval)."));
        }

        var results = new JsonObject { ["task"] = taskName };
        DownstreamOptions.Merge(results, new
        {
            encoder = prepared.Source,
            images = new { train = data.Train.Count, validation = data.Validation.Count, test = data.Test.Count },
            tta,
            region_grid = prepared.RegionGrid,
            settings,
        });
        DownstreamOptions.Merge(results, extra);
        DownstreamOptions.Merge(results, new
        {
            contenders = rows.Select(r => RowJson(r, metrics)).ToList(),
            margins = margins.Select(m => new { against = m.Against, metric = primary.Key, value = m.Gain.Value, low = m.Gain.Low, high = m.Gain.High }).ToList(),
        });
        DownstreamOptions.WriteResults(folder, results);
        console.WriteLine($"Wrote {Path.Combine(folder, DownstreamOptions.ResultsFile)} and {string.Join(", ", figures)}.");
    }

    public static string Format(MetricValue value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value.Value:0.000} [{value.Low:0.000}, {value.High:0.000}]");

    /// <summary>A row's name in a sentence ("random init", "supervised CNN").</summary>
    private static string Display(string name) => name switch
    {
        "random_init" => "random init",
        "supervised_cnn" => "supervised CNN",
        _ => name,
    };

    /// <summary>One row as results.json writes it: its name, its scores and, for a trained contender, its size, best
    /// epoch (counted from 1) and history.</summary>
    private static JsonObject RowJson<TScores>(ScoredRow<TScores> row, IReadOnlyList<DownstreamMetric<TScores>> metrics)
    {
        object Scores(TScores scores) =>
            metrics.ToDictionary(m => m.Key, m =>
            {
                var score = m.Of(scores);
                return new { value = score.Value, low = score.Low, high = score.High };
            });
        var json = new JsonObject { ["name"] = row.Name };
        if (row.Result is { } result)
            DownstreamOptions.Merge(json, new { backbone_parameters = result.BackboneParameters, best_epoch = result.BestEpoch + 1 });
        DownstreamOptions.Merge(json, new { validation = Scores(row.Validation), test = Scores(row.Test) });
        if (row.Result is { } trained)
            json["history"] = JsonSerializer.SerializeToNode(History(trained), DownstreamOptions.Json);
        return json;
    }

    private static object History(ContenderResult result) => result.History.Select(e => new
    {
        epoch = e.Epoch + 1,
        phase = e.Phase == FinetunePhase.LinearProbe ? "linear_probe" : "full_finetune",
        train_loss = e.TrainLoss,
        validation_loss = e.ValidationLoss,
        validation_score = e.ValidationScore,
    }).ToList();
}

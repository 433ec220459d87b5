using System.Text.Json;
using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;

namespace LensSweep.Client.Tests;

/// <summary>A tiny real study (TorchSharp, 32×32 varied lenses) with repeats, ranked by a gain over random init.</summary>
public sealed class ScoredStudyEndToEndTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-scored-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_study_with_repeats_ranked_by_r2_macro_gain_writes_scores_baselines_and_an_epoch_zero_history()
    {
        var spec = Path.Combine(_folder, "scored.json");
        await File.WriteAllTextAsync(spec, """
            { "name": "scored", "repeats": 2,
              "dataset": { "kind": "simulated", "images_per_class": 16, "image_size": 32, "macro_lens": "varied" },
              "search_space": { "patch_size": 8, "embed_dim": [16, 32], "depth": 1, "heads": 2, "decoder_dim": 16,
                                "decoder_depth": 1, "decoder_heads": 2, "warmup_epochs": 0, "batch_size": 16 },
              "scheduler": { "kind": "none", "max_epochs": 1, "metric": "r2_macro_gain" },
              "probe": { "epochs": 30 }, "evaluation": { "bootstrap": 50 } }
            """);
        var output = Path.Combine(_folder, "out");
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTorchTrainer()) };

        var (code, stdout, stderr) = await CliHarness.RunAsync(services, "run", spec, "--out", output, "--slots", "1");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{stdout}\n{stderr}");
        using var leaderboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "leaderboard.json")));
        var rows = leaderboard.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(2, row.GetProperty("n").GetInt32());
            Assert.Equal(JsonValueKind.Array, row.GetProperty("score_ci").ValueKind);
            Assert.True(double.IsFinite(row.GetProperty("gain").GetDouble()));
            Assert.True(double.IsFinite(row.GetProperty("random_init_score").GetDouble()));
            Assert.True(double.IsFinite(row.GetProperty("test_score").GetDouble()));
            Assert.True(row.GetProperty("metrics").TryGetProperty("r2_macro", out _));
        }

        Assert.True(leaderboard.RootElement.GetProperty("baselines").GetProperty("pixels").TryGetProperty("r2_macro", out _));
        var probe = leaderboard.RootElement.GetProperty("probe");
        Assert.Equal(("mean", 1, JsonValueKind.Null), (probe.GetProperty("pooling").GetString(), probe.GetProperty("layers").GetInt32(), probe.GetProperty("train_images").ValueKind));
        using var history = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "history.json")));
        var entries = history.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(4, entries.Count(e => e.GetProperty("epoch").GetInt32() == 0));
        Assert.Equal(4, entries.Count(e => e.GetProperty("epoch").GetInt32() == 1));
    }
}

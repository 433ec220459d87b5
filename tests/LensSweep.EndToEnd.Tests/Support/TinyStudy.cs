using System.Globalization;

namespace LensSweep.EndToEnd.Tests.Support;

/// <summary>
/// A study small enough for real TorchSharp training on a CPU in seconds: 32×32 simulated lenses, a one-block MAE,
/// configurations of mask ratio × embed dim (<paramref name="MaskRatios"/> × 2), ASHA over rungs of 1, 2 and 4 epochs,
/// at most two trials at once. <paramref name="ImagesPerClass"/> sets how long an epoch takes (100 ≈ 1 s on a busy
/// 2-core machine), long enough for a kill to land mid-epoch.
/// </summary>
internal sealed record TinyStudy(string Name, int ImagesPerClass = 100, int MaskRatios = 2)
{
    private static readonly string[] MaskRatioChoices = ["0.5", "0.75", "0.9"];

    public int Trials => MaskRatios * 2;

    public const int MaxEpochs = 4;

    /// <summary>Writes the spec as JSON into <paramref name="folder"/> and returns its path.</summary>
    public string WriteTo(string folder)
    {
        var path = Path.Combine(folder, $"{Name}.json");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "name": "{{Name}}",
              "seed": 0,
              "max_concurrent_trials": 2,
              "dataset": { "kind": "simulated", "images_per_class": {{ImagesPerClass}}, "image_size": 32, "validation_fraction": 0.2, "test_fraction": 0.2, "seed": 0 },
              "search_space": {
                "mask_ratio": [{{string.Join(", ", MaskRatioChoices.Take(MaskRatios))}}],
                "patch_size": 8,
                "embed_dim": [16, 32],
                "depth": 1, "heads": 2, "decoder_dim": 16, "decoder_depth": 1, "decoder_heads": 2,
                "learning_rate": 1e-3, "weight_decay": 0.05, "batch_size": 16, "warmup_epochs": 1, "loss": "mse_norm_pix"
              },
              "search": { "kind": "grid" },
              "scheduler": { "kind": "asha", "min_epochs": 1, "max_epochs": {{MaxEpochs}}, "eta": 2, "metric": "val_auc", "mode": "max" },
              "probe": { "epochs": 20, "l2": 1e-4, "learning_rate": 0.01, "batch_size": 128 }
            }
            """));
        return path;
    }

    /// <summary>Trial ids as the console names them: "{study}/{n}".</summary>
    public IReadOnlyList<string> TrialIds => Enumerable.Range(0, Trials).Select(n => $"{Name}/{n}").ToList();
}

using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;

namespace LensSweep.Client.Tests;

/// <summary>Specs that used to start and fail every trial with the reason hidden (issue 10 §1): each is
/// refused with exit 2, naming its field, and nothing is written.</summary>
public sealed class PreflightTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lenssweep-preflight-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string, string> RefusedSpecs => new()
    {
        { "a missing DeepLense folder", """ "dataset": { "kind": "deeplense", "path": "{root}/nowhere" } """, "dataset.path" },
        { "an empty DeepLense folder", """ "dataset": { "kind": "deeplense", "path": "{root}/empty" } """, "dataset.path" },
        { "a file as the DeepLense folder", """ "dataset": { "kind": "deeplense", "path": "{root}/file.npy" } """, "dataset.path" },
        { "a folder of corrupt .npy files", """ "dataset": { "kind": "deeplense", "path": "{root}/corrupt" } """, "dataset.path" },
        { "an LSST folder that is missing", """ "dataset": { "kind": "lsst", "path": "{root}/nowhere" } """, "dataset.path" },
        { "a warm-up as long as training", """ "scheduler": { "kind": "none", "max_epochs": 1 } """, "search_space.warmup_epochs" },
        { "an unknown simulator class", """ "dataset": { "classes": ["no_sub", "cmd"] } """, "dataset.classes" },
        { "a twelve-terabyte encoder", """ "search_space": { "embed_dim": 1000000, "heads": 1 } """, "search_space" },
        { "a billion images per class", """ "dataset": { "images_per_class": 1000000000 } """, "dataset.images_per_class" },
        { "images of 100,000 pixels a side", """ "dataset": { "image_size": 100000 }, "search_space": { "patch_size": 8 } """, "dataset.images_per_class" },
        { "an embed_dim the position table cannot split", """ "search_space": { "embed_dim": 62, "heads": 2 } """, "search_space.embed_dim" },
        { "a decoder_dim the position table cannot split", """ "search_space": { "decoder_dim": 30, "decoder_heads": 2 } """, "search_space.decoder_dim" },
        { "a regression metric on a folder without truth.csv", """ "dataset": { "kind": "deeplense", "path": "{root}/plain" }, "scheduler": { "metric": "r2_macro_gain" } """, "scheduler.metric" },
        { "folder images of another size without a fit", """ "dataset": { "kind": "deeplense", "path": "{root}/plain", "image_size": 20 } """, "dataset.image_size" },
        { "a crop that would have to enlarge", """ "dataset": { "kind": "deeplense", "path": "{root}/plain", "image_size": 32, "fit": "crop" } """, "dataset.fit" },
        { "a fit on simulated data", """ "dataset": { "fit": "resize" } """, "dataset.fit" },
        { "a weight decay that zeroes every weight", """ "search_space": { "weight_decay": 1e308 } """, "search_space.weight_decay" },
    };

    [Theory]
    [MemberData(nameof(RefusedSpecs))]
    public async Task A_spec_that_would_fail_every_trial_is_refused_before_anything_is_written(string what, string overrides, string field)
    {
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        File.WriteAllBytes(Path.Combine(_root, "file.npy"), [1, 2, 3]);
        Directory.CreateDirectory(Path.Combine(_root, "corrupt", "cdm"));
        File.WriteAllBytes(Path.Combine(_root, "corrupt", "cdm", "a.npy"), [0x93, (byte)'N', (byte)'U', 0]);
        var plain = Path.Combine(_root, "plain");
        LensSweep.Client.Datasets.DatasetSimulation.Write(plain, 4, LensSweep.Models.Simulation.LensClasses.All, 16, 0, CancellationToken.None);
        File.Delete(Path.Combine(plain, LensSweep.Models.Data.DeepLense.TruthFile.FileName));
        var spec = Path.Combine(_root, "spec.json");
        File.WriteAllText(spec, SpecWith(overrides.Replace("{root}", _root, StringComparison.Ordinal)));
        var output = Path.Combine(_root, "out");
        var services = new CliServices { Embedded = new EmbeddedSiloLauncher(silo => silo.AddLensSweepTrainer<InstantTrainer>()) };

        var (code, _, error) = await CliHarness.RunAsync(services, "run", spec, "--out", output, "--slots", "1");

        Assert.True(code == ExitCodes.BadInput, $"{what}: exit {code}\n{error}");
        Assert.Contains(field, error);
        Assert.False(Directory.Exists(output), $"{what}: the output folder was created");
    }

    /// <summary>A small valid spec with some top-level sections replaced.</summary>
    private static string SpecWith(string overrides)
    {
        var sections = new Dictionary<string, string>
        {
            ["dataset"] = """ "dataset": { "kind": "simulated", "images_per_class": 8, "image_size": 16 } """,
            ["search_space"] = """ "search_space": { "patch_size": 4, "embed_dim": 16, "depth": 1, "heads": 2, "decoder_dim": 16, "decoder_depth": 1, "decoder_heads": 2 } """,
            ["scheduler"] = """ "scheduler": { "kind": "none", "max_epochs": 2 } """,
        };
        using var doc = System.Text.Json.JsonDocument.Parse("{" + overrides + "}", new System.Text.Json.JsonDocumentOptions { AllowTrailingCommas = true });
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            var merged = sections.TryGetValue(property.Name, out var existing)
                ? Merge(existing, property)
                : property.ToString();
            sections[property.Name] = merged;
        }

        return "{ \"name\": \"preflight\", " + string.Join(", ", sections.Values) + " }";
    }

    /// <summary>The default section with the override's keys replacing its own.</summary>
    private static string Merge(string section, System.Text.Json.JsonProperty property)
    {
        using var doc = System.Text.Json.JsonDocument.Parse("{" + section + "}");
        var values = doc.RootElement.GetProperty(property.Name).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        foreach (var value in property.Value.EnumerateObject())
        {
            values[value.Name] = value.Value.GetRawText();
        }

        return $"\"{property.Name}\": {{ {string.Join(", ", values.Select(v => $"\"{v.Key}\": {v.Value}"))} }}";
    }
}

using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Tests.Specs;

internal static class SpecTestData
{
    /// <summary>A small valid spec the rule tests break one field at a time.</summary>
    public static StudySpec Valid() => new()
    {
        Name = "unit",
        Dataset = new() { ImageSize = 32, ImagesPerClass = 16 },
        SearchSpace = new()
        {
            MaskRatio = ParameterDomain.Of(0.5, 0.75),
            PatchSize = ParameterDomain.Of(8, 16),
            EmbedDim = ParameterDomain.Of(32, 64),
            Heads = ParameterDomain.Fixed(2),
            DecoderDim = ParameterDomain.Fixed(32),
            DecoderHeads = ParameterDomain.Fixed(2),
            Depth = ParameterDomain.Fixed(1),
        },
        Scheduler = new() { MinEpochs = 1, MaxEpochs = 4, Eta = 2 },
    };

    public static string RepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LensSweep.sln")))
            {
                return Path.Combine(dir.FullName, relativePath);
            }
        }

        throw new DirectoryNotFoundException("LensSweep.sln not found above the test output folder.");
    }

    public const string MinimalJson = """
        {
          "name": "unit",
          "dataset": { "kind": "simulated", "image_size": 32, "images_per_class": 16 },
          "search_space": { "mask_ratio": [0.5, 0.75], "patch_size": 8, "embed_dim": 32, "heads": 2,
                            "decoder_dim": 32, "decoder_heads": 2 },
          "search": { "kind": "grid" },
          "scheduler": { "kind": "asha", "min_epochs": 1, "max_epochs": 4, "eta": 2, "metric": "val_auc", "mode": "max" }
        }
        """;
}

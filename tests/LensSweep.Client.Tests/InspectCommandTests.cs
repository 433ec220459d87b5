using LensSweep.Client.Commands;
using SkiaSharp;

namespace LensSweep.Client.Tests;

public sealed class InspectCommandTests : IDisposable
{
    private readonly TrainedRunFolder _run = new();
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"lenssweep-inspect-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _run.Dispose();
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public async Task Inspect_writes_three_figures_that_are_not_blank()
    {
        var (code, output, error) = await CliHarness.RunAsync("inspect", "--study", TrainedRunFolder.Study, "--run", _run.Folder, "--out", _out, "--images", "2");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        foreach (var file in new[] { InspectCommand.ReconstructionFile, InspectCommand.AttentionFile, InspectCommand.EmbeddingFile })
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(_out, file));
            Assert.NotNull(bitmap);
            var colours = new HashSet<SKColor>();
            for (var y = 0; y < bitmap.Height; y += 3)
            {
                for (var x = 0; x < bitmap.Width; x += 3)
                {
                    colours.Add(bitmap.GetPixel(x, y));
                }
            }

            Assert.True(colours.Count > 20, $"{file} has only {colours.Count} colours: it looks blank");
        }
    }

    [Fact]
    public async Task Inspect_of_an_ijepa_encoder_writes_attention_and_embedding_but_no_reconstructions()
    {
        var checkpoint = IjepaCheckpoint.Write(_out);

        var (code, output, error) = await CliHarness.RunAsync("inspect", "--checkpoint", checkpoint, "--out", _out, "--images", "2");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.False(File.Exists(Path.Combine(_out, InspectCommand.ReconstructionFile)));
        Assert.True(File.Exists(Path.Combine(_out, InspectCommand.AttentionFile)));
        Assert.True(File.Exists(Path.Combine(_out, InspectCommand.EmbeddingFile)));
        Assert.Contains("an I-JEPA encoder was pretrained without a pixel decoder", output);
    }

    [Fact]
    public async Task Inspect_of_a_trial_without_a_checkpoint_is_bad_input()
    {
        var (code, _, error) = await CliHarness.RunAsync("inspect", "--trial", "tiny/2", "--run", _run.Folder, "--out", _out);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("trial tiny/2 has no checkpoint", error);
    }

    [Fact]
    public async Task Inspect_help_says_why_there_is_no_t_sne()
    {
        var (code, output, _) = await CliHarness.RunAsync("inspect", "--help");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("t-SNE", output);
    }
}

/// <summary>A one-epoch I-JEPA checkpoint of a 32×32 encoder (4×4 patches, the fewest I-JEPA takes).</summary>
internal static class IjepaCheckpoint
{
    public static string Write(string folder)
    {
        var config = new LensSweep.Models.Mae.MaeConfig
        {
            Objective = LensSweep.Models.Mae.PretrainingObjective.Ijepa,
            ImageSize = 32, Channels = 1, PatchSize = 8, EmbedDim = 16, Depth = 1, Heads = 2,
            DecoderEmbedDim = 8, DecoderDepth = 1, DecoderHeads = 2, MlpRatio = 2,
        };
        var random = new Random(3);
        var images = Enumerable.Range(0, 8 * 32 * 32).Select(_ => (float)random.NextDouble()).ToArray();
        using var trainer = new LensSweep.Models.Training.MaeTrainer(config, new LensSweep.Models.Training.OptimizerConfig { BatchSize = 4, WarmupEpochs = 0, TotalEpochs = 1 }, seed: 1);
        trainer.Train(new LensSweep.Models.Data.LensDataset(images, new int[8], 8, 1, 32, 32, ["a"]), toEpoch: 1);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "ijepa.ckpt");
        using var file = File.Create(path);
        trainer.SaveCheckpoint(file);
        return path;
    }
}

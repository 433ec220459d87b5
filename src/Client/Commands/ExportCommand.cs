using System.CommandLine;
using LensSweep.Client.Cluster;
using LensSweep.Client.Encoders;
using LensSweep.Models.Data;
using LensSweep.Models.Export;
using LensSweep.Models.Mae;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>lenssweep export</c>: a trained encoder out of TorchSharp, as a PyTorch state_dict and safetensors under
/// facebookresearch/mae's names, with its configuration and a few sample images and their features, so a
/// researcher can load it in PyTorch and check it gives the same numbers (bench/export_check.py does).
/// </summary>
internal static class ExportCommand
{
    private const int DefaultSamples = 8;
    private const int SampleSeed = 20_260_101;

    public static Command Create(IStudyClusterConnector? cluster, Func<string, string?> environment, HelpExamples examples)
    {
        var encoder = new EncoderOptions(cluster, environment);
        var output = new Option<string>("--out")
        {
            Description = $"Folder to write {EncoderExport.StateDictFile} (torch.load), {EncoderExport.SafetensorsFile}, {EncoderExport.ConfigFile} and, with samples, {EncoderExport.SampleImagesFile} and {EncoderExport.SampleFeaturesFile}. Existing files of those names are replaced.",
            HelpName = "DIR",
            Required = true,
        };
        output.Validators.Add(result =>
        {
            if (result.Tokens.SingleOrDefault()?.Value is { } path && File.Exists(path))
            {
                result.AddError($"--out '{path}' is a file; give a folder (it is created when missing).");
            }
        });
        var samples = CliOptions.WholeNumber(
            "--samples",
            "Simulated lenses (at the encoder's image size, normalised as training normalises them) to run through the encoder and write beside it with their features: [N, C, H, W] images and [N, tokens, embed_dim] features after the final LayerNorm, unmasked. 0 writes none.",
            DefaultSamples,
            min: 0);
        var command = examples.Add(
            new Command("export", "Write a trained encoder for PyTorch: a state_dict and safetensors (the encoder only, under facebookresearch/mae's parameter names), its configuration as JSON, and sample images with their features.")
            {
                output, samples,
            },
            "lenssweep export --study quick --out exports/quick",
            "lenssweep export --trial quick/3 --run runs/quick --out exports/quick-3",
            "lenssweep export --study scaling --cluster 10.0.0.4:30000 --out exports/scaling",
            "lenssweep export --checkpoint epoch-0009-attempt-1.ckpt --out exports/mine --samples 0",
            "python3 bench/export_check.py exports/quick");
        encoder.AddTo(command);
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var folder = parseResult.GetRequiredValue(output);
            RequireWritable(folder);
            var located = await encoder.LocateAsync(parseResult, cancellationToken);
            console.Out.WriteLine($"Exporting {located.Source}…");
            using var trained = await EncoderLocator.LoadAsync(located, cancellationToken);
            var header = trained.Header;
            var provenance = new ExportProvenance(located.Source, header.Epoch, header.Steps, header.Seed);
            var written = Write(() => EncoderExport.Write(trained.Model, provenance, folder), folder);
            var config = trained.Model.Config;
            console.Out.WriteLine($"Wrote {written.StateDict}, {written.Safetensors} ({written.TensorCount} tensors: embed {config.EmbedDim}, depth {config.Depth}, {config.Heads} heads, patch {config.PatchSize}, {config.ImageSize}×{config.ImageSize}×{config.Channels}) and {written.Config}.");
            var sampleCount = parseResult.GetValue(samples);
            if (sampleCount > 0)
            {
                var images = SampleImages(config, sampleCount, cancellationToken);
                var sampled = Write(() => EncoderExport.WriteSamples(trained.Model, images, sampleCount, folder), folder);
                console.Out.WriteLine($"Wrote {sampled.Count} sample images to {sampled.Images} and their features to {sampled.Features}.");
            }

            console.Out.WriteLine($"Load it in PyTorch: model.load_state_dict(torch.load('{written.StateDict}')); check it with: python3 bench/export_check.py {folder}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Before anything is read: a folder that cannot be made or written is the user's to fix.</summary>
    internal static void RequireWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".lenssweep-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(folder, e);
        }
    }

    private static T Write<T>(Func<T> write, string folder)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(folder, e);
        }
    }

    internal static CliInputException Unwritable(string folder, Exception e) =>
        new($"cannot write the export to '{folder}': {e.Message}", "Give --out a folder you can write to.");

    /// <summary>Simulated lenses as a trial's loader prepares them; a multi-band encoder gets the one band in each channel.</summary>
    private static float[] SampleImages(MaeConfig config, int count, CancellationToken cancellationToken)
    {
        var perClass = (count + 2) / 3;
        var data = new DatasetLoader().Load(new DatasetOptions { ImagesPerClass = perClass, ImageSize = config.ImageSize, Seed = SampleSeed }, cancellationToken: cancellationToken);
        var pixels = config.ImageSize * config.ImageSize;
        var images = new float[count * config.Channels * pixels];
        for (var n = 0; n < count; n++)
        {
            // Interleave the classes so a few samples cover all three.
            var source = data.Image((n % 3 * perClass) + (n / 3));
            for (var c = 0; c < config.Channels; c++)
            {
                source.CopyTo(images.AsSpan(((n * config.Channels) + c) * pixels, pixels));
            }
        }

        return images;
    }
}

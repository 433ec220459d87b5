using System.CommandLine;
using LensSweep.Client.Cluster;
using LensSweep.Client.Encoders;
using LensSweep.Client.Plotting;
using LensSweep.Grains.Training;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Inspection;
using LensSweep.Models.Mae;
using LensSweep.Reporting.Plotting;
using Microsoft.Extensions.Logging.Abstractions;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>lenssweep inspect</c>: what a trained encoder learned, as three PNGs of validation images: masked
/// reconstructions, the last block's attention, and a PCA of the pooled features coloured by class.
/// </summary>
internal static class InspectCommand
{
    public const string ReconstructionFile = "reconstructions.png";
    public const string AttentionFile = "attention.png";
    public const string EmbeddingFile = "embedding.png";
    private const int DefaultPerClass = 100;

    public static Command Create(IStudyClusterConnector? cluster, Func<string, string?> environment, HelpExamples examples)
    {
        var encoder = new EncoderOptions(cluster, environment);
        var output = new Option<string>("--out")
        {
            Description = $"Folder to write {ReconstructionFile}, {AttentionFile} and {EmbeddingFile} (created when missing).",
            HelpName = "DIR",
            Required = true,
        };
        var spec = new Option<string?>("--spec")
        {
            Description = $"The study's spec: its dataset and split give the validation images the trial was scored on. Without it, simulated lenses (DeepLense Model II, {DefaultPerClass} per class, seed 0) at the encoder's image size are split as a study splits them.",
            HelpName = "FILE",
        };
        var images = CliOptions.WholeNumber("--images", "Validation images in the reconstruction grid and the attention maps.", 6, max: 32);
        var seed = CliOptions.WholeNumber("--seed", "Seed of the reconstructions' masks.", 0, min: int.MinValue);
        var command = examples.Add(
            new Command("inspect", "Look at what a trained encoder learned: masked reconstructions (input, visible patches, reconstruction), the last block's attention per head, and a 2-D PCA of the validation images' pooled features coloured by class. PCA only: the package registry has no well-kept .NET t-SNE.")
            {
                output, spec, images, seed,
            },
            "lenssweep inspect --study quick --spec examples/quick.json --out inspect/quick",
            "lenssweep inspect --trial quick/3 --run runs/quick --out inspect/quick-3 --images 4");
        encoder.AddTo(command);
        CommandAction.Set(command, async (parseResult, console, cancellationToken) =>
        {
            var folder = parseResult.GetRequiredValue(output);
            ExportCommand.RequireWritable(folder);
            var located = await encoder.LocateAsync(parseResult, cancellationToken);
            console.Out.WriteLine($"Inspecting {located.Source}…");
            using var trained = await EncoderLocator.LoadAsync(located, cancellationToken);
            var config = trained.Model.Config;
            var validation = await ValidationImagesAsync(parseResult.GetValue(spec), config.ImageSize, cancellationToken);
            if (validation.Channels != config.Channels || validation.Height != config.ImageSize || validation.Width != config.ImageSize)
            {
                throw new CliInputException(
                    $"the validation images are {validation.Channels}×{validation.Height}×{validation.Width}, the encoder takes {config.Channels}×{config.ImageSize}×{config.ImageSize}",
                    "Give the spec of the study that trained this encoder with --spec.");
            }

            var count = parseResult.GetValue(images);
            var written = new List<string>();
            void Save(Figure figure, string name)
            {
                var path = Path.Combine(folder, name);
                try
                {
                    PlotFile.Save(figure, path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw ExportCommand.Unwritable(folder, e);
                }

                written.Add(path);
            }

            if (EncoderEvaluation.HasReconstruction(config))
            {
                Save(InspectionFigures.Reconstructions(EncoderInspection.Reconstruct(trained.Model, validation, count, parseResult.GetValue(seed)), validation.ClassNames), ReconstructionFile);
            }
            else
            {
                console.Out.WriteLine($"No {ReconstructionFile}: an {MaeChoiceNames.Title(config.Objective)} encoder was pretrained without a pixel decoder.");
            }

            Save(InspectionFigures.Attention(EncoderInspection.Attention(trained.Model, validation, count), validation.ClassNames, config.UseClsToken), AttentionFile);
            var features = EncoderInspection.Features(trained.Model, validation);
            var projection = Pca.Project(features, validation.Count, config.EmbedDim);
            Save(InspectionFigures.Embedding(projection, validation.Labels, validation.ClassNames, $"PCA of {validation.Count} validation images (mean-pooled last block)"), EmbeddingFile);
            console.Out.WriteLine($"Wrote {string.Join(", ", written)}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<LensDataset> ValidationImagesAsync(string? specPath, int imageSize, CancellationToken cancellationToken)
    {
        var options = specPath is null
            ? new DatasetOptions { ImagesPerClass = DefaultPerClass, ImageSize = imageSize, Seed = 0 }
            : SpecFiles.Load(specPath).Dataset;
        // The engine's own loader and split: the same validation images a trial of the study was scored on.
        var data = await new DatasetCache(NullLogger<DatasetLoader>.Instance).GetAsync(options, cancellationToken);
        return data.Validation;
    }
}

using System.CommandLine;
using System.Globalization;
using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using LensSweep.Models.Training;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>lenssweep pretrain</c>: one MAE pretrained on simulated lenses and scored by a linear probe, beside
/// the two baselines any pretraining has to beat (a random encoder of the same shape, and raw pixels).
/// </summary>
internal static class PretrainCommand
{
    public static Command Create(HelpExamples examples)
    {
        var perClass = new Option<int>("--images-per-class") { Description = "Simulated images per class (no_sub, cdm, axion).", HelpName = "N", DefaultValueFactory = _ => 400 };
        var size = new Option<int>("--size") { Description = "Image side in pixels (DeepLense Model II is 64).", HelpName = "N", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "Pretraining epochs.", HelpName = "N", DefaultValueFactory = _ => 10 };
        var patch = new Option<int>("--patch-size") { Description = "Patch side in pixels; must divide --size.", HelpName = "N", DefaultValueFactory = _ => 8 };
        var embed = new Option<int>("--embed-dim") { Description = "Encoder width.", HelpName = "N", DefaultValueFactory = _ => 64 };
        var depth = new Option<int>("--depth") { Description = "Encoder blocks.", HelpName = "N", DefaultValueFactory = _ => 2 };
        var mask = new Option<double>("--mask-ratio") { Description = "Fraction of patches hidden from the encoder.", HelpName = "R", DefaultValueFactory = _ => 0.9 };
        var learningRate = new Option<double>("--learning-rate") { Description = "AdamW peak learning rate.", HelpName = "LR", DefaultValueFactory = _ => 1e-3 };
        var pooling = CliOptions.Choice("--pooling", "How the probe pools patch tokens: regions (a grid of region means, keeps where things are) or mean (one global mean).", ProbePooling.Regions);
        var grid = new Option<int>("--region-grid") { Description = "With --pooling regions: the image is cut into N×N regions.", HelpName = "N", DefaultValueFactory = _ => 4 };
        var seed = new Option<int>("--seed") { Description = "Seed for the simulator, the split, the weights and the masks.", HelpName = "N", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for TorchSharp (default: all cores).", HelpName = "N", DefaultValueFactory = _ => Environment.ProcessorCount };
        foreach (var option in new[] { perClass, size, epochs, patch, embed, depth, grid, threads })
        {
            CliOptions.MustBePositive(option);
        }

        var command = examples.Add(
            new Command("pretrain", "Pretrain one MAE on simulated lenses and compare its linear-probe score with a random encoder and raw pixels.")
            {
                perClass, size, epochs, patch, embed, depth, mask, learningRate, pooling, grid, seed, threads,
            },
            "lenssweep pretrain",
            "lenssweep pretrain --images-per-class 1000 --epochs 20 --mask-ratio 0.75 --pooling mean");
        CommandAction.Set(command, (parseResult, console, cancellationToken) =>
        {
            var imageSize = parseResult.GetValue(size);
            var model = new MaeConfig
            {
                ImageSize = imageSize,
                PatchSize = parseResult.GetValue(patch),
                EmbedDim = parseResult.GetValue(embed),
                Depth = parseResult.GetValue(depth),
                Heads = 4,
                DecoderEmbedDim = 64,
                DecoderDepth = 1,
                DecoderHeads = 4,
                MaskRatio = parseResult.GetValue(mask),
            };
            var problems = model.Validate();
            if (problems.Count > 0)
            {
                throw new CliInputException("the model settings are invalid", "Change the options named below.", problems);
            }

            var epochCount = parseResult.GetValue(epochs);
            var probe = parseResult.GetValue(pooling) == ProbePooling.Regions
                ? new ProbeConfig { Pooling = FeaturePooling.RegionMeans, RegionGrid = parseResult.GetValue(grid) }
                : new ProbeConfig();
            var seedValue = parseResult.GetValue(seed);
            var dataOptions = new DatasetOptions { ImagesPerClass = parseResult.GetValue(perClass), ImageSize = imageSize, Seed = seedValue };
            console.Out.WriteLine($"Simulating {dataOptions.ImagesPerClass} lenses per class ({imageSize}×{imageSize}, DeepLense Model II)…");
            var dataset = new DatasetLoader().Load(dataOptions, cancellationToken: cancellationToken);
            var split = DataSplitter.Split(dataset, dataOptions.ValidationFraction, dataOptions.TestFraction, dataOptions.Seed);
            var optimizer = new OptimizerConfig
            {
                LearningRate = parseResult.GetValue(learningRate),
                // The trainer drops a last partial batch, so a batch larger than the split would train nothing.
                BatchSize = Math.Min(64, split.Train.Count),
                WarmupEpochs = epochCount > 1 ? 1 : 0,
                TotalEpochs = epochCount,
            };
            var settings = new TrialSettings(model, optimizer, probe, seedValue, "cpu", parseResult.GetValue(threads));
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Pretraining an MAE (embed {model.EmbedDim}, depth {model.Depth}, {MaeCost.TrainingFlopsPerImage(model) / 1e6:0.#} MFLOP per image) for {epochCount} epochs on {split.Train.Count} images (mask {model.MaskRatio:0.##}, patch {model.PatchSize})…"));

            // Synchronous progress: Progress<T> would post to the thread pool and print out of order.
            var report = PretrainProbeExperiment.Run(settings, split, epochCount, new EpochPrinter(console.Out), cancellationToken);
            console.Out.WriteLine();
            console.Out.Write(report.Format());
            var margin = report.Pretrained.Test.MacroRocAuc - report.RandomEncoderTest.MacroRocAuc;
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Pretrained minus random encoder: {margin:+0.0000;-0.0000;0.0000} test macro AUC."));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private sealed class EpochPrinter(TextWriter output) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value)
        {
            if (value.Step == value.StepsPerEpoch - 1)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  epoch {value.Epoch + 1,3}  loss {value.Loss:0.0000}  lr {value.LearningRate:0.00e+0}  {value.ImagesPerSecond:0} img/s"));
            }
        }
    }
}

/// <summary>The probe's pooling as the console names it.</summary>
internal enum ProbePooling
{
    Regions,
    Mean,
}

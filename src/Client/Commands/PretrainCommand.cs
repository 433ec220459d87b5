using LensSweep.Models.Simulation;
using System.CommandLine;
using System.Globalization;
using LensSweep.Client.Datasets;
using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using LensSweep.Models.Training;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>lenssweep pretrain</c>: one encoder pretrained (MAE or I-JEPA) on simulated lenses and scored by a linear probe, beside
/// the two baselines any pretraining has to beat (a random encoder of the same shape, and raw pixels).
/// </summary>
internal static class PretrainCommand
{
    private const int DefaultUnlabelledPerClass = 0;
    private const int DefaultDecoderDepth = 1;
    private const string DefaultFeatureLayers = "last";

    public static Command Create(HelpExamples examples)
    {
        var perClass = CliOptions.WholeNumber("--images-per-class", "Simulated labelled images per class (no_sub, cdm, axion), split into train, validation and test.", 400);
        var unlabelled = CliOptions.WholeNumber("--unlabelled-per-class", "Extra simulated images per class that only the MAE pretrains on, labels unused (0: pretrain on the train split alone). They never overlap the labelled images.", DefaultUnlabelledPerClass, min: 0);
        var size = CliOptions.WholeNumber("--size", "Image side in pixels (DeepLense Model II is 64).", 64);
        var epochs = CliOptions.WholeNumber("--epochs", "Pretraining epochs.", 10);
        var patch = CliOptions.WholeNumber("--patch-size", "Patch side in pixels; must divide --size.", 8);
        var embed = CliOptions.WholeNumber("--embed-dim", "Encoder width.", 64);
        var depth = CliOptions.WholeNumber("--depth", "Encoder blocks.", 2);
        var decoderDepth = CliOptions.WholeNumber("--decoder-depth", "Decoder blocks (a deeper decoder leaves more of the pixel reconstruction out of the encoder).", DefaultDecoderDepth);
        var mask = CliOptions.RealNumber("--mask-ratio", "Fraction of patches hidden from the encoder.", 0.9, "R");
        var learningRate = CliOptions.RealNumber("--learning-rate", "AdamW peak learning rate.", 1e-3, "LR");
        var pooling = CliOptions.Choice("--pooling", "How the probe pools patch tokens: regions (a grid of region means, keeps where things are) or mean (one global mean).", ProbePooling.Regions);
        var grid = CliOptions.WholeNumber("--region-grid", "With --pooling regions: the image is cut into N×N regions.", 4);
        var layers = new Option<string>("--feature-layers")
        {
            Description = "Encoder layers whose pooled tokens the probe (of both encoders) concatenates: last, all (patch embedding and every block), or numbers such as 0,2 (0 = patch embedding, k = block k).",
            HelpName = "last|all|L,L",
            DefaultValueFactory = _ => DefaultFeatureLayers,
        };
        layers.Validators.Add(result =>
        {
            if (FeatureLayers.Parse(result.GetValueOrDefault<string>(), depth: int.MaxValue) is { Error: { } problem })
                result.AddError($"--feature-layers {problem}");
        });
        var masking = CliOptions.Choice("--masking", "Which patches are hidden: random (MAE), block (contiguous square blocks, as BEiT/SimMIM) or informed (high-variance patches, the arcs, preferentially).", MaskingKind.Random);
        var temperature = CliOptions.RealNumber("--masking-temperature", "With --masking informed: small masks almost only the most varied patches, large is close to random.", new MaeConfig().MaskingTemperature, "T");
        var loss = NamedChoice("--loss", MaeChoiceNames.Losses, new MaeConfig().Loss,
            "Reconstruction loss (mae objective): mse, mse_norm_pix (MSE against each patch normalised to zero mean and unit variance, He et al.; it magnifies the noise of empty background patches on noisy images), l1, or bce (binary cross-entropy of logits against each image min-max scaled to [0, 1]).");
        var objective = NamedChoice("--objective", MaeChoiceNames.Objectives, new MaeConfig().Objective,
            "Pretraining objective: mae (reconstruct masked pixels) or ijepa (predict an EMA target encoder's embeddings of four target blocks from one context block; --mask-ratio, --masking and --loss are ignored, --decoder-depth sets the predictor's depth).");
        var macroLens = CliOptions.MacroLensChoice();
        var noise = CliOptions.NoiseChoice();
        var seed = CliOptions.WholeNumber("--seed", "Seed for the simulator, the split, the weights and the masks.", 0, min: int.MinValue);
        var threads = CliOptions.WholeNumber("--threads", "CPU threads for TorchSharp (default: all cores).", Environment.ProcessorCount);
        var command = examples.Add(
            new Command("pretrain", "Pretrain one encoder (MAE or I-JEPA, --objective) on simulated lenses and compare its linear-probe score with a random encoder and raw pixels.")
            {
                perClass, unlabelled, size, epochs, patch, embed, depth, decoderDepth, mask, learningRate, objective, masking, temperature, loss, pooling, grid, layers, macroLens, noise, seed, threads,
            },
            "lenssweep pretrain",
            "lenssweep pretrain --images-per-class 1000 --epochs 20 --mask-ratio 0.75 --pooling mean",
            "lenssweep pretrain --unlabelled-per-class 1000 --epochs 11 --decoder-depth 4 --feature-layers all",
            "lenssweep pretrain --noise euclid --loss mse --pooling mean --feature-layers all",
            "lenssweep pretrain --masking informed --masking-temperature 0.5 --loss l1",
            "lenssweep pretrain --objective ijepa --epochs 20 --pooling mean");
        CommandAction.Set(command, (parseResult, console, cancellationToken) =>
        {
            var imageSize = parseResult.GetValue(size);
            var model = new MaeConfig
            {
                Objective = MaeChoiceNames.Objectives.First(o => o.Name == parseResult.GetValue(objective)).Value,
                ImageSize = imageSize,
                PatchSize = parseResult.GetValue(patch),
                EmbedDim = parseResult.GetValue(embed),
                Depth = parseResult.GetValue(depth),
                Heads = 4,
                DecoderEmbedDim = 64,
                DecoderDepth = parseResult.GetValue(decoderDepth),
                DecoderHeads = 4,
                MaskRatio = parseResult.GetValue(mask),
                Masking = parseResult.GetValue(masking),
                MaskingTemperature = parseResult.GetValue(temperature),
                Loss = MaeChoiceNames.Losses.First(l => l.Name == parseResult.GetValue(loss)).Value,
            };
            var problems = model.Validate();
            if (problems.Count > 0)
            {
                throw new CliInputException("the model settings are invalid", "Change the options named below.", problems);
            }

            var probeLayers = FeatureLayers.Parse(parseResult.GetValue(layers), model.Depth);
            if (probeLayers.Error is { } layerProblem)
            {
                throw new CliInputException("the probe's feature layers are invalid", "Change --feature-layers or --depth.", [$"--feature-layers {layerProblem}"]);
            }

            var epochCount = parseResult.GetValue(epochs);
            var probe = (parseResult.GetValue(pooling) == ProbePooling.Regions
                ? new ProbeConfig { Pooling = FeaturePooling.RegionMeans, RegionGrid = parseResult.GetValue(grid) }
                : new ProbeConfig()) with { EncoderLayers = probeLayers.Layers };
            var seedValue = parseResult.GetValue(seed);
            var labelledPerClass = parseResult.GetValue(perClass);
            var poolPerClass = parseResult.GetValue(unlabelled);
            // One simulation of labelled + pool images per class: every image is keyed by (seed, class,
            // index), so the labelled part is the set --images-per-class alone gives, and the pool is disjoint.
            var dataOptions = new DatasetOptions { ImagesPerClass = labelledPerClass + poolPerClass, ImageSize = imageSize, Seed = seedValue };
            var lenses = SimulatedLenses.Options(parseResult.GetValue(macroLens), parseResult.GetValue(noise));
            var described = SimulatedLenses.Describe(parseResult.GetValue(macroLens), parseResult.GetValue(noise));
            console.Out.WriteLine(poolPerClass > 0
                ? $"Simulating {labelledPerClass} labelled and {poolPerClass} unlabelled lenses per class ({imageSize}×{imageSize}, {described})…"
                : $"Simulating {labelledPerClass} lenses per class ({imageSize}×{imageSize}, {described})…");
            var simulated = new DatasetLoader().Load(dataOptions, lenses, cancellationToken: cancellationToken);
            var (dataset, pool) = PretrainingPool.SplitOff(simulated, labelledPerClass);
            var split = DataSplitter.Split(dataset, dataOptions.ValidationFraction, dataOptions.TestFraction, dataOptions.Seed);
            var pretrainingCount = split.Train.Count + pool.Count;
            var optimizer = new OptimizerConfig
            {
                LearningRate = parseResult.GetValue(learningRate),
                // The trainer drops a last partial batch, so a batch larger than the split would train nothing.
                BatchSize = Math.Min(64, pretrainingCount),
                WarmupEpochs = epochCount > 1 ? 1 : 0,
                TotalEpochs = epochCount,
            };
            var settings = new TrialSettings(model, optimizer, probe, seedValue, "cpu", parseResult.GetValue(threads));
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Pretraining an {MaeChoiceNames.Title(model.Objective)} (embed {model.EmbedDim}, depth {model.Depth}, {MaeCost.TrainingFlopsPerImage(model) / 1e6:0.#} MFLOP per image) for {epochCount} epochs on {pretrainingCount} images ({Masks(model)})…"));

            // Synchronous progress: Progress<T> would post to the thread pool and print out of order.
            var report = PretrainProbeExperiment.Run(settings, split, epochCount, new EpochPrinter(console.Out), cancellationToken,
                unlabelledPool: pool.Count > 0 ? pool : null);
            console.Out.WriteLine();
            console.Out.Write(report.Format());
            var margin = report.Pretrained.Test.MacroRocAuc - report.RandomEncoderTest.MacroRocAuc;
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Pretrained minus random encoder: {margin:+0.0000;-0.0000;0.0000} test macro AUC."));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>What the objective masks and scores, as the start line says it.</summary>
    private static string Masks(MaeConfig model) => model.Objective == PretrainingObjective.Ijepa
        ? $"one context block, four target blocks, patch {model.PatchSize}"
        : string.Create(CultureInfo.InvariantCulture, $"mask {model.MaskRatio:0.##} {MaeChoiceNames.Of(model.Masking)}, patch {model.PatchSize}, loss {MaeChoiceNames.Of(model.Loss)}");

    /// <summary>An option named as a study spec names the choice (<see cref="MaeChoiceNames"/>), refused before anything runs when unknown.</summary>
    private static Option<string> NamedChoice<T>(string name, IReadOnlyList<(string Name, T Value)> choices, T defaultValue, string description)
        where T : struct, Enum
    {
        var names = choices.Select(c => c.Name).ToArray();
        var defaultName = choices.First(c => EqualityComparer<T>.Default.Equals(c.Value, defaultValue)).Name;
        var option = new Option<string>(name)
        {
            Description = $"{description} [default: {defaultName}]",
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => defaultName,
        };
        option.Validators.Add(result =>
        {
            if (!names.Contains(result.GetValueOrDefault<string>()))
                result.AddError($"{name} must be one of {string.Join(", ", names)}.");
        });
        return option;
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

/// <summary>The probe's <c>--feature-layers</c>: "last", "all", or comma-separated layer numbers.</summary>
internal static class FeatureLayers
{
    /// <param name="depth">Encoder blocks, to expand "all" and to reject layers past the last block.</param>
    /// <returns>The layers (null = the last block only), or what is wrong with <paramref name="text"/>.</returns>
    public static (IReadOnlyList<int>? Layers, string? Error) Parse(string? text, int depth)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Equals("last", StringComparison.OrdinalIgnoreCase)) return (null, null);
        if (trimmed.Equals("all", StringComparison.OrdinalIgnoreCase))
            return (depth == int.MaxValue ? null : Enumerable.Range(0, depth + 1).ToArray(), null);
        var parts = trimmed.Split(',', StringSplitOptions.TrimEntries);
        var layers = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var layer))
                return (null, $"must be last, all, or layer numbers such as 0,2; got '{text}'.");
            if (layer > depth)
                return (null, $"names layer {layer}, but the encoder has layers 0 (patch embedding) to {depth}.");
            if (layers.Contains(layer))
                return (null, $"names layer {layer} twice.");
            layers.Add(layer);
        }

        return (layers, null);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using LensSweep.Models;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using LensSweep.Models.Training;

namespace LensSweep.Grains.Specs;

/// <summary>The images a study would hold in memory, as far as they are known before loading.</summary>
/// <param name="ImageSize">Side of an image in pixels: the spec's for the simulator, the files' when they were read.</param>
/// <param name="Channels">Bands per image.</param>
/// <param name="Images">Images held (all classes, before the split).</param>
public sealed record DatasetShape(int ImageSize, int Channels, long Images);

/// <summary>What the machine that trains offers: memory for the dataset and its slots' trials.</summary>
public sealed record MachineLimits(double MemoryBytes, int Slots);

/// <summary>
/// Checks every configuration a study would train against the model's and optimiser's own rules
/// (<see cref="MaeConfigValidation"/>, <see cref="OptimizerConfigValidation"/>: the one home of those
/// rules), with the warm-up measured against the epochs a trial trains, and the study's memory against
/// what an array and the machine can hold, so a spec that would fail every trial is refused before any
/// starts. Each broken rule is reported once, at the spec field to change, naming the values.
/// </summary>
public static class ConfigurationChecks
{
    /// <summary>Share of the machine's memory a study may plan to use; the rest is the process and the OS.</summary>
    public const double UsableMemoryShare = 0.8;

    /// <summary>Copies of the images a study holds: the loaded dataset and its split.</summary>
    private const int DatasetCopies = 2;

    public static IReadOnlyList<SpecProblem> Check(StudySpec spec, DatasetShape shape, MachineLimits? machine = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(shape);
        var problems = new List<SpecProblem>();
        var datasetValues = (double)shape.Images * shape.Channels * shape.ImageSize * shape.ImageSize;
        if (datasetValues > Array.MaxLength)
        {
            problems.Add(new(SpecKeys.Join(SpecKeys.Dataset, SpecKeys.ImagesPerClass), SpecFormat.Value(spec.LoadedDataset.ImagesPerClass ?? 0),
                $"{shape.Images} images of {shape.Channels}×{shape.ImageSize}×{shape.ImageSize} pixels are {datasetValues:0.###e0} values, above the {Array.MaxLength} one array holds; use fewer or smaller images"));
            return problems;
        }

        var configurations = spec.SearchSpace.ConfigurationsToCheck(spec.Search, spec.Seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var broken = new Dictionary<string, int>(StringComparer.Ordinal);
        var largest = 0.0;
        TrialConfig? largestConfig = null;
        foreach (var config in configurations)
        {
            var model = config.ToMaeConfig(shape.ImageSize, shape.Channels);
            var optimizer = config.ToOptimizerConfig(spec.Scheduler.MaxEpochs);
            var configProblems = model.Problems().Concat(optimizer.Problems()).Concat(spec.Probe.ToProbeConfig(model).ProblemsWith(model)).ToList();
            foreach (var problem in configProblems)
            {
                var field = FieldOf(problem.Settings[0]);
                var rule = InSpecTerms(problem.Message);
                if (!seen.Add(field + "\n" + rule))
                {
                    continue;
                }

                broken[field] = broken.GetValueOrDefault(field) + 1;
                if (broken[field] <= StudySpecValidator.MaxCombinationProblems)
                {
                    problems.Add(new(field, ValuesOf(problem.Settings, config, shape, spec), rule));
                }
            }

            if (configProblems.Count == 0 && MaeMemory.TrainingBytes(model, config.BatchSize) is var bytes && bytes > largest)
            {
                (largest, largestConfig) = (bytes, config);
            }
        }

        foreach (var (field, count) in broken.Where(b => b.Value > StudySpecValidator.MaxCombinationProblems))
        {
            problems.Add(new(field, null, $"{count - StudySpecValidator.MaxCombinationProblems} more configurations break a rule at this field"));
        }

        if (machine is not null && largestConfig is not null)
        {
            CheckMemory(spec, shape, machine, largest, largestConfig, problems);
        }

        return problems;
    }

    private static void CheckMemory(StudySpec spec, DatasetShape shape, MachineLimits machine, double trialBytes, TrialConfig config, List<SpecProblem> problems)
    {
        var datasetBytes = DatasetCopies * 4.0 * shape.Images * shape.Channels * shape.ImageSize * shape.ImageSize;
        var slots = Math.Max(1, Math.Min(machine.Slots, spec.MaxConcurrentTrials));
        var needed = datasetBytes + (slots * trialBytes);
        var usable = machine.MemoryBytes * UsableMemoryShare;
        if (needed <= usable)
        {
            return;
        }

        var field = datasetBytes > slots * trialBytes ? SpecKeys.Join(SpecKeys.Dataset, SpecKeys.ImagesPerClass) : SpecKeys.SearchSpace;
        var value = datasetBytes > slots * trialBytes
            ? SpecFormat.Value(spec.LoadedDataset.ImagesPerClass ?? 0)
            : string.Join(", ", new[] { Hyperparameters.EmbedDim, Hyperparameters.Depth, Hyperparameters.PatchSize, Hyperparameters.BatchSize }.Select(p => $"{p.Name}={p.Format(config)}"));
        problems.Add(new(field, value,
            $"needs about {Gib(needed)} (dataset {Gib(datasetBytes)} + {slots} slot(s) × {Gib(trialBytes)} for the largest trial) but {Gib(usable)} of this machine's {Gib(machine.MemoryBytes)} can be used; use fewer or smaller images, a smaller model or batch, or fewer slots"));
    }

    private static string Gib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):0.##} GiB");

    /// <summary>The spec field that sets a model or optimiser property.</summary>
    private static string FieldOf(string setting) => setting switch
    {
        nameof(MaeConfig.ImageSize) => SpecKeys.Join(SpecKeys.Dataset, SpecKeys.ImageSize),
        nameof(MaeConfig.Channels) => SpecKeys.Dataset,
        nameof(OptimizerConfig.TotalEpochs) => SpecKeys.Join(SpecKeys.Scheduler, SpecKeys.MaxEpochs),
        nameof(ProbeConfig.LastLayers) => SpecKeys.Join(SpecKeys.Probe, SpecKeys.Layers),
        _ when BySetting.TryGetValue(setting, out var parameter) => SpecKeys.Join(SpecKeys.SearchSpace, parameter.Name),
        _ => SpecKeys.SearchSpace,
    };

    private static string ValuesOf(IReadOnlyList<string> settings, TrialConfig config, DatasetShape shape, StudySpec spec) =>
        string.Join(", ", settings.Select(setting => setting switch
        {
            nameof(MaeConfig.ImageSize) => $"image_size={shape.ImageSize}",
            nameof(MaeConfig.Channels) => $"bands={shape.Channels}",
            nameof(OptimizerConfig.TotalEpochs) => $"max_epochs={spec.Scheduler.MaxEpochs}",
            nameof(ProbeConfig.LastLayers) => $"layers={spec.Probe.Layers}",
            _ when BySetting.TryGetValue(setting, out var parameter) => $"{parameter.Name}={parameter.Format(config)}",
            _ => setting,
        }));

    /// <summary>The model's message with its property names replaced by the names a spec uses.</summary>
    private static string InSpecTerms(string message)
    {
        var text = SettingName.Replace(message, match => match.Value switch
        {
            nameof(MaeConfig.ImageSize) => "image_size",
            nameof(MaeConfig.Channels) => "bands",
            nameof(OptimizerConfig.TotalEpochs) => "max_epochs",
            nameof(ProbeConfig.LastLayers) => "layers",
            var name when BySetting.TryGetValue(name, out var parameter) => parameter.Name,
            var other => other,
        });
        return text.TrimEnd('.');
    }

    /// <summary>Each hyperparameter by the model or optimiser property it sets (its declaration's <see cref="Hyperparameter.Setting"/>).</summary>
    private static readonly Dictionary<string, Hyperparameter> BySetting = Hyperparameters.All.ToDictionary(p => p.Setting, StringComparer.Ordinal);

    /// <summary>Any property name a model or optimiser problem may mention, longest first so <c>DecoderEmbedDim</c>
    /// is not read as <c>EmbedDim</c>.</summary>
    private static readonly Regex SettingName = new(
        @"\b(" + string.Join('|', BySetting.Keys.Concat([nameof(MaeConfig.ImageSize), nameof(MaeConfig.Channels), nameof(OptimizerConfig.TotalEpochs), nameof(ProbeConfig.LastLayers)])
            .OrderByDescending(k => k.Length).Select(Regex.Escape)) + @")\b",
        RegexOptions.CultureInvariant);
}

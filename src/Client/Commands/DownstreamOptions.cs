using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LensSweep.Client.Cluster;
using LensSweep.Client.Datasets;
using LensSweep.Client.Encoders;
using LensSweep.Grains.Training;
using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;
using LensSweep.Models.Training;
using Microsoft.Extensions.Logging.Abstractions;

namespace LensSweep.Client.Commands;

/// <summary>What every <c>lenssweep finetune</c> command takes: the encoder (as export and inspect name it), the
/// data (a study spec's dataset, a dataset folder, or simulated lenses), the LP-FT schedule, the seed and --out.</summary>
/// <param name="task">What the command trains: a super-resolution has no pooled features (no --region-grid) and
/// no test-time augmentation (its output turns with the image).</param>
/// <param name="cluster">Joins a cluster for the encoder's <c>--cluster</c>; null in a build without one.</param>
/// <param name="environment">Reads the connection options' environment variables.</param>
internal sealed class DownstreamOptions(DownstreamTask task, IStudyClusterConnector? cluster, Func<string, string?> environment)
{
    public const string RunFile = "run.json";
    public const string ResultsFile = "results.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly EncoderOptions _encoder = new(cluster, environment);

    private readonly Option<string> _output = new("--out")
    {
        Description = $"Folder for the run: {RunFile} (its settings), one checkpoint folder per contender (latest.ckpt after every epoch, best.ckpt at the best validation epoch), {ResultsFile} and the figures. Run the same command again to continue a stopped run; other settings in the same folder are refused.",
        HelpName = "DIR",
        Required = true,
    };

    private readonly Option<string?> _spec = new("--spec")
    {
        Description = "Use the dataset of this study spec (its kind, folder, image fit, classes and split), e.g. the spec that trained the encoder.",
        HelpName = "FILE",
    };

    private readonly Option<string?> _data = new("--data")
    {
        Description = task == DownstreamTask.SuperResolution
            ? "Not for superres, which is refused on a folder: a folder holds no high-resolution truth of its images (the simulator renders both)."
            : "Use this dataset folder: DeepLense ({class}/*.npy, truths from its truth.csv) or LSST challenge FITS (lens / non-lens), told apart by whether it holds FITS files. Its images must have the encoder's size.",
        HelpName = "DIR",
    };

    private readonly Option<int> _perClass = CliOptions.WholeNumber("--images-per-class", "Without --spec or --data: simulated lenses per class (no_sub, cdm, axion) at the encoder's image size, split 70/15/15 into train, validation and test.", 200);
    private readonly Option<Models.Simulation.MacroLens> _macroLens = CliOptions.MacroLensChoice();
    private readonly Option<Models.Simulation.PixelNoise> _noise = CliOptions.NoiseChoice();
    private readonly Option<int> _probeEpochs = CliOptions.WholeNumber("--probe-epochs", "Linear-probe epochs: the encoder is frozen and only the head learns.", LpFtSchedule.DefaultFor(task).ProbeEpochs, min: 0);
    private readonly Option<int> _finetuneEpochs = CliOptions.WholeNumber("--finetune-epochs", "Full fine-tuning epochs after the probe: encoder and head learn together.", LpFtSchedule.DefaultFor(task).FinetuneEpochs, min: 0);
    private readonly Option<int> _regionGrid = CliOptions.WholeNumber("--region-grid", "The head reads each backbone's features averaged over an N×N grid of image regions, side by side (as pretrain's probe with --pooling regions: keeps where in the image a feature is); 1 is one global mean. N must divide the encoder's patch grid.", DefaultRegionGrid);
    private readonly Option<double> _probeRate = CliOptions.RealNumber("--probe-learning-rate", "Peak AdamW learning rate of the probe epochs (cosine decay within the phase).", LpFtSchedule.DefaultFor(task).ProbeLearningRate, "LR");
    private readonly Option<double> _rate = CliOptions.RealNumber("--learning-rate", "Peak AdamW learning rate of the fine-tuning epochs (cosine decay within the phase); the CNN baseline trains at ten times it.", LpFtSchedule.DefaultFor(task).FinetuneLearningRate, "LR");
    private readonly Option<int> _batch = CliOptions.WholeNumber("--batch-size", "Training images per step.", 32);
    private readonly Option<int> _seed = CliOptions.WholeNumber("--seed", "Seed of the simulation and split, the new weights (heads, random-init encoder, CNN), the shuffles and the augmentation: the same seed and --threads give the same numbers (libtorch sums in another order on another thread count).", 0, min: int.MinValue);
    private readonly Option<bool> _tta = new("--tta") { Description = "Test-time augmentation: average each image's predictions over its eight flips and 90° rotations (validation and test scores; epochs are chosen without it)." };
    private readonly Option<int> _threads = CliOptions.WholeNumber("--threads", "CPU threads for TorchSharp (default: all cores).", Environment.ProcessorCount);

    public const double WeightDecay = 0.05;
    public const int DefaultRegionGrid = 4;

    public void AddTo(Command command)
    {
        command.Add(_output);
        command.Add(_spec);
        command.Add(_data);
        command.Add(_perClass);
        command.Add(_macroLens);
        command.Add(_noise);
        command.Add(_probeEpochs);
        command.Add(_finetuneEpochs);
        command.Add(_probeRate);
        command.Add(_rate);
        if (Pools)
            command.Add(_regionGrid);
        command.Add(_batch);
        command.Add(_seed);
        if (Pools)
            command.Add(_tta);
        command.Add(_threads);
        _encoder.AddTo(command);
        CliOptions.MustNotBeAFile(_output!);
        command.Validators.Add(result =>
        {
            if (result.GetResult(_spec) is not null && result.GetResult(_data) is not null)
                result.AddError("Give the data once: --spec FILE or --data DIR, not both.");
            else if (Task == DownstreamTask.SuperResolution && result.GetResult(_data) is not null)
                result.AddError("superres needs simulated lenses, and --data names a folder: a folder holds no high-resolution truth of its images. Leave out --data: the simulator renders each lens at both pixel scales.");
        });
    }

    public DownstreamTask Task { get; } = task;

    /// <summary>Whether the head reads pooled features (classification, regression).</summary>
    private bool Pools => Task != DownstreamTask.SuperResolution;

    public bool TestTimeAugmentation(ParseResult parseResult) => Pools && parseResult.GetValue(_tta);

    public string Output(ParseResult parseResult) => parseResult.GetRequiredValue(_output);

    public FinetuneSettings Settings(ParseResult parseResult, bool augment)
    {
        var schedule = new LpFtSchedule
        {
            ProbeEpochs = parseResult.GetValue(_probeEpochs),
            FinetuneEpochs = parseResult.GetValue(_finetuneEpochs),
            ProbeLearningRate = parseResult.GetValue(_probeRate),
            FinetuneLearningRate = parseResult.GetValue(_rate),
        };
        var settings = new FinetuneSettings(schedule, parseResult.GetValue(_batch), WeightDecay, parseResult.GetValue(_seed), augment);
        var problems = settings.Validate();
        if (problems.Count > 0)
            throw new CliInputException("the fine-tuning settings are invalid", "Change the options named below.", problems);
        return settings;
    }

    /// <summary>The encoder, and its data split as a study's engine splits it (or as <paramref name="load"/> makes it
    /// from the data options and the encoder's config); every way they cannot go together is a <see cref="CliInputException"/>.</summary>
    public async Task<Prepared> PrepareAsync(ParseResult parseResult, TextWriter console, CancellationToken cancellationToken,
        Func<DatasetOptions, Models.Mae.MaeConfig, CancellationToken, DataSplit>? load = null)
    {
        var folder = Output(parseResult);
        if (parseResult.GetValue(_probeEpochs) + parseResult.GetValue(_finetuneEpochs) < 1)
            throw new CliInputException("--probe-epochs and --finetune-epochs are both 0: nothing would train", "Give at least one epoch of either.");
        ExportCommand.RequireWritable(folder);
        var located = await _encoder.LocateAsync(parseResult, cancellationToken);
        var trained = await EncoderLocator.LoadAsync(located, cancellationToken);
        try
        {
            var config = trained.Model.Config;
            var options = DatasetOptionsFor(parseResult, config.ImageSize);
            console.WriteLine($"Encoder: {located.Source} (epoch {trained.Header.Epoch}, embed {config.EmbedDim}, depth {config.Depth}, patch {config.PatchSize}, {config.ImageSize}×{config.ImageSize}×{config.Channels}).");
            console.WriteLine(options.Kind == DatasetKind.Simulated
                ? $"Data: {options.ImagesPerClass} simulated lenses per class ({options.MacroLens.ToString().ToLowerInvariant()} macro lens, noise {options.Noise.ToString().ToLowerInvariant()}, seed {options.Seed}) at {options.ImageSize}×{options.ImageSize}."
                : $"Data: {options.Kind.ToString().ToLowerInvariant()} folder {options.Path}.");
            DataSplit split;
            try
            {
                split = load is not null
                    ? load(options, config, cancellationToken)
                    : await new DatasetCache(NullLogger<DatasetLoader>.Instance).GetAsync(options, cancellationToken);
            }
            catch (DatasetException e)
            {
                throw new CliInputException($"the data cannot be read: {e.Message}", "Check it with 'lenssweep data inspect DIR'.", DatasetInspector.Listed(e.Files));
            }

            var train = split.Train;
            if (train.Channels != config.Channels || train.Height != config.ImageSize || train.Width != config.ImageSize)
            {
                throw new CliInputException(
                    $"the images are {train.Channels}×{train.Height}×{train.Width}, the encoder takes {config.Channels}×{config.ImageSize}×{config.ImageSize}",
                    "Give the data the encoder was trained on (--spec of its study, or a folder of images of its size).");
            }

            int? regionGrid = Pools ? parseResult.GetValue(_regionGrid) : null;
            if (regionGrid is { } grid && DownstreamNetwork.RegionGridProblem(config, grid) is { } gridProblem)
            {
                throw new CliInputException($"--region-grid {regionGrid} does not fit this encoder: {gridProblem}", "Give --region-grid a divisor of the patch grid, or 1 for one global mean.");
            }

            return new Prepared(trained, located.Source, split, options, parseResult.GetValue(_threads), regionGrid);
        }
        catch
        {
            trained.Dispose();
            throw;
        }
    }

    /// <summary>Refuses a folder holding a run of other settings, and records these settings in a new one: the task,
    /// its own <paramref name="extra"/> settings (a target, a factor), the encoder and its epoch, the data options,
    /// the region grid (null where the head reads no pooled features) and the training settings.</summary>
    public static void ClaimFolder(string folder, string taskName, object? extra, Prepared prepared, FinetuneSettings settings)
    {
        var claim = new JsonObject { ["task"] = taskName };
        Merge(claim, extra);
        Merge(claim, new { encoder = prepared.Source, encoder_epoch = prepared.Encoder.Header.Epoch, dataset = prepared.Dataset, region_grid = prepared.RegionGrid, settings });
        var path = Path.Combine(folder, RunFile);
        var text = claim.ToJsonString(Json);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path);
            if (existing != text)
            {
                var differing = Differences(existing, text);
                throw new CliInputException(
                    $"'{folder}' holds a run with other settings, which would be mixed with this one",
                    "Give another --out, or the options of the run that is there (its run.json) to continue it.",
                    differing);
            }

            return;
        }

        File.WriteAllText(path, text);
    }

    public static void WriteResults(string folder, JsonObject results) =>
        File.WriteAllText(Path.Combine(folder, ResultsFile), results.ToJsonString(Json));

    /// <summary>Adds every property of <paramref name="values"/> (an anonymous object; none for null) to <paramref name="target"/>, in order.</summary>
    public static void Merge(JsonObject target, object? values)
    {
        if (values is null)
            return;
        var node = JsonSerializer.SerializeToNode(values, Json)!.AsObject();
        foreach (var (key, value) in node.ToList())
        {
            node.Remove(key);
            target[key] = value;
        }
    }

    /// <summary>Trains every contender in turn (resuming each from its latest checkpoint), printing an epoch line each.</summary>
    public static List<ContenderResult> RunContenders(Prepared prepared, DownstreamTask task, int outputs, FinetuneSettings settings, DownstreamData data, string folder, bool tta, TextWriter console, CancellationToken cancellationToken)
    {
        // libtorch's OpenMP thread count belongs to the calling thread, so it is set on the one that trains: a
        // different count sums in a different order and gives (slightly) different numbers.
        TorchSharp.torch.set_num_threads(prepared.Threads);
        var results = new List<ContenderResult>();
        foreach (var contender in DownstreamRun.Contenders)
        {
            var network = task == DownstreamTask.SuperResolution
                ? DownstreamRun.BuildUpsampling(contender, prepared.Encoder.Model, outputs, settings.Seed)
                : DownstreamRun.Build(contender, prepared.Encoder.Model, outputs, settings.Seed, prepared.RegionGrid ?? 1);
            var name = DownstreamRun.NameOf(contender);
            var schedule = DownstreamRun.SettingsFor(contender, settings).Schedule;
            console.WriteLine(contender == Contender.SupervisedCnn
                ? $"Training {name} ({network.BackboneParameterCount:N0} parameters before the head) for {schedule.TotalEpochs} epochs…"
                : $"Training {name} ({network.BackboneParameterCount:N0} encoder parameters): {schedule.ProbeEpochs} linear-probe then {schedule.FinetuneEpochs} fine-tuning epochs…");
            ContenderResult result;
            try
            {
                result = DownstreamRun.Run(contender, network, task, outputs, settings, data, folder, tta, new EpochPrinter(console, name, task), cancellationToken);
            }
            catch (InvalidDataException e)
            {
                throw new CliInputException($"the checkpoint of {name} in '{folder}' cannot be resumed: {e.Message}", "Delete that contender's folder to train it again, or give another --out.");
            }

            if (result.ResumedFromEpoch > 0)
            {
                console.WriteLine(result.ResumedFromEpoch >= schedule.TotalEpochs
                    ? $"  {name}: all {schedule.TotalEpochs} epochs were already trained in {folder}; read from its checkpoint."
                    : $"  {name}: resumed after epoch {result.ResumedFromEpoch} from {folder}.");
            }

            console.WriteLine($"  {name}: best validation epoch {result.BestEpoch + 1}.");
            results.Add(result);
        }

        return results;
    }

    private DatasetOptions DatasetOptionsFor(ParseResult parseResult, int imageSize)
    {
        var seed = parseResult.GetValue(_seed);
        if (parseResult.GetValue(_spec) is { } spec)
        {
            var options = SpecFiles.Load(spec).Dataset;
            if (options.ImageSize != imageSize)
            {
                throw new CliInputException($"the spec's dataset.image_size is {options.ImageSize}, the encoder takes {imageSize}", "Give the spec of the study that trained this encoder.");
            }

            return options;
        }

        if (parseResult.GetValue(_data) is { } folder)
        {
            if (!Directory.Exists(folder))
                throw new CliInputException($"dataset folder '{folder}' does not exist", "Give --data a DeepLense or LSST folder ('lenssweep data simulate' writes one).");
            return new DatasetOptions { Kind = DatasetInspector.DetectKind(folder), Path = folder, ImagesPerClass = null, ImageSize = imageSize, Seed = seed };
        }

        return new DatasetOptions
        {
            ImagesPerClass = parseResult.GetValue(_perClass),
            ImageSize = imageSize,
            Seed = seed,
            MacroLens = parseResult.GetValue(_macroLens),
            Noise = parseResult.GetValue(_noise),
        };
    }

    private static List<string> Differences(string existing, string wanted)
    {
        try
        {
            using var a = JsonDocument.Parse(existing);
            using var b = JsonDocument.Parse(wanted);
            var left = Flatten(a.RootElement, "").ToDictionary(p => p.Key, p => p.Value);
            var right = Flatten(b.RootElement, "").ToDictionary(p => p.Key, p => p.Value);
            return [.. left.Keys.Union(right.Keys).Where(k => left.GetValueOrDefault(k) != right.GetValueOrDefault(k))
                .Select(k => $"{k}: there {left.GetValueOrDefault(k) ?? "(none)"}, now {right.GetValueOrDefault(k) ?? "(none)"}")];
        }
        catch (JsonException)
        {
            return [$"{RunFile} cannot be read"];
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Flatten(JsonElement element, string prefix) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}")),
        _ => [new(prefix, element.GetRawText())],
    };

    private sealed class EpochPrinter(TextWriter output, string name, DownstreamTask task) : IProgress<FinetuneProgress>
    {
        public void Report(FinetuneProgress value)
        {
            var e = value.Result;
            var score = task switch
            {
                DownstreamTask.Classification => "val AUC",
                DownstreamTask.Regression => "val -MSE",
                _ => "val -L1",
            };
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-15} epoch {value.Epoch + 1,3}/{value.TotalEpochs}  {(e.Phase == FinetunePhase.LinearProbe ? "probe    " : "fine-tune")}  loss {e.TrainLoss:0.0000}  val loss {e.ValidationLoss:0.0000}  {score} {e.ValidationScore:0.0000}{(value.IsBest ? "  best" : "")}"));
        }
    }
}

/// <summary>The encoder a finetune command works on (it owns it) and its data split.</summary>
/// <param name="RegionGrid">The grid the heads pool features over; null for a super-resolution, whose head reads the feature map.</param>
internal sealed record Prepared(TrainedEncoder Encoder, string Source, DataSplit Split, DatasetOptions Dataset, int Threads, int? RegionGrid) : IDisposable
{
    public void Dispose() => Encoder.Dispose();
}

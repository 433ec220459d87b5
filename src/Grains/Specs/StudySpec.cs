using LensSweep.Grains.Scheduling;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;

namespace LensSweep.Grains.Specs;

/// <summary>
/// A study as a researcher writes it: which data, which hyperparameters to sweep, how to search them,
/// how to schedule trials and how to score them. Loaded from JSON or YAML by <see cref="StudySpecLoader"/>
/// (snake_case keys, documented on each property) and checked by <see cref="StudySpecValidator"/>
/// before anything starts. <c>examples/quick.json</c> and <c>examples/scaling.json</c> are complete specs.
/// </summary>
/// <remarks>
/// The JSON format, key by key:
/// <code>
/// {
///   "name": "quick",                         // letters, digits, '-', '_', '.'; the study id
///   "seed": 0,                               // random search samples (and per-trial seeds derived by the trial grain)
///   "max_concurrent_trials": 4,              // never more trials training at once (device slots cap it too)
///   "repeats": 1,                            // trials per configuration, each with its own seed; ranked by their mean
///   "dataset": { "kind": "simulated" | "deeplense" | "lsst", "path": "...", "images_per_class": 64,
///                "image_size": 32, "classes": ["no_sub", "cdm", "axion"], "validation_fraction": 0.15,
///                "test_fraction": 0.15, "seed": 0,
///                "macro_lens": "fixed" | "varied", "noise": "none" | "euclid",   // simulator only
///                "unlabelled_per_class": 0 },             // simulator only: extra images only pretraining sees
///   "search_space": {                        // every key optional; an omitted one is fixed at MaeConfig/OptimizerConfig's default
///     "mask_ratio": [0.5, 0.75],             // a list: grid values (random search picks among them)
///     "patch_size": 8,                       // a scalar: fixed
///     "learning_rate": { "min": 1e-4, "max": 1e-2, "scale": "log" }   // a range: random search only
///   },
///   "search": { "kind": "grid" } | { "kind": "random", "count": 20 } | { "kind": "tpe", "count": 40, "startup": 10 },
///   "scheduler": { "kind": "asha", "min_epochs": 1, "max_epochs": 9, "eta": 3, "metric": "val_auc", "mode": "max" }
///              | { "kind": "none", "max_epochs": 9, "metric": "val_auc", "mode": "max" },
///   "probe": { "epochs": 100, "l2": 1e-4, "learning_rate": 0.01, "batch_size": 256,
///              "pooling": "mean" | "regions", "layers": 1, "train_images": null },
///   "evaluation": { "regression": true, "reconstruction": true, "bootstrap": 1000, "region_grid": 4 }
/// }
/// </code>
/// Search-space keys: those declared in <see cref="Hyperparameters.All"/> (mask_ratio, patch_size, embed_dim, depth,
/// heads, decoder_dim, decoder_depth, decoder_heads, mlp_ratio, learning_rate, weight_decay, batch_size, warmup_epochs,
/// loss: mse | mse_norm_pix | l1, masking: random | block | informed, masking_temperature).
/// </remarks>
public sealed record StudySpec
{
    /// <summary><c>name</c>: the study id (grain key), so only letters, digits, '-', '_' and '.'.</summary>
    public required string Name { get; init; }

    /// <summary><c>dataset</c>: where images come from and how they are split.</summary>
    public DatasetOptions Dataset { get; init; } = new();

    /// <summary><c>search_space</c>: the values each hyperparameter may take.</summary>
    public SearchSpace SearchSpace { get; init; } = new();

    /// <summary><c>search</c>: grid (every combination) or random (a count of samples).</summary>
    public SearchOptions Search { get; init; } = new();

    /// <summary><c>scheduler</c>: ASHA, or every trial to the full budget.</summary>
    public SchedulerOptions Scheduler { get; init; } = new();

    /// <summary><c>max_concurrent_trials</c>: an upper bound on trials training at once; free device
    /// slots may bound it further.</summary>
    public int MaxConcurrentTrials { get; init; } = 4;

    /// <summary><c>probe</c>: the linear probe that scores a frozen encoder.</summary>
    public ProbeSettings Probe { get; init; } = new();

    /// <summary><c>seed</c>: random search samples and model initialisation derive from it.</summary>
    public int Seed { get; init; }

    /// <summary><c>repeats</c>: trials per configuration, each with its own seed (initialisation and masking;
    /// the data split stays fixed). Repeats are scheduled as one arm and ranked by their mean.</summary>
    public int Repeats { get; init; } = 1;

    /// <summary>The dataset the study loads: <see cref="Dataset"/> with each searched dataset size at its largest
    /// value (<see cref="Hyperparameters.Loaded"/>). Trials, the pixel baseline and the memory estimate use it.</summary>
    public DatasetOptions LoadedDataset => Hyperparameters.Loaded(Dataset, SearchSpace);

    /// <summary>The configurations the search space yields, in order (see <see cref="SearchSpace.Expand"/>).</summary>
    public IReadOnlyList<TrialConfig> ExpandConfigurations() => SearchSpace.Expand(Search, Seed);

    /// <summary>Trials the study runs in all: its configurations (expanded, or the TPE proposals to come) times
    /// <see cref="Repeats"/>.</summary>
    public int TrialCount => (Search.IsAdaptive ? Search.Count : ExpandConfigurations().Count) * Math.Max(1, Repeats);

    /// <summary>The study's trials: each configuration <see cref="Repeats"/> times in a row, so trial
    /// <c>n</c> is repeat <c>n % Repeats</c> of configuration <c>n / Repeats</c>.</summary>
    public IReadOnlyList<TrialConfig> ExpandTrials() =>
        [.. ExpandConfigurations().SelectMany(config => Enumerable.Repeat(config, Math.Max(1, Repeats)))];
}

/// <summary>How configurations are drawn from the search space.</summary>
public enum SearchKind
{
    /// <summary>Every combination of the listed values (cartesian product).</summary>
    Grid,

    /// <summary><see cref="SearchOptions.Count"/> independent samples.</summary>
    Random,

    /// <summary><see cref="SearchOptions.Count"/> configurations proposed one at a time by a Tree-structured
    /// Parzen Estimator from the results so far (<see cref="Search.TpeSampler"/>), after
    /// <see cref="SearchOptions.Startup"/> random ones.</summary>
    Tpe,
}

/// <summary><c>search</c>: <c>{ "kind": "grid" }</c>, <c>{ "kind": "random", "count": N }</c> or
/// <c>{ "kind": "tpe", "count": N, "startup": K }</c>.</summary>
public sealed record SearchOptions
{
    public SearchKind Kind { get; init; } = SearchKind.Grid;

    /// <summary><c>count</c>: number of random samples or TPE proposals; ignored by grid search.</summary>
    public int Count { get; init; } = 1;

    /// <summary><c>startup</c>: TPE only: configurations drawn at random until this many have reported.</summary>
    public int Startup { get; init; } = Search.TpeOptions.DefaultStartup;

    /// <summary>Whether configurations are proposed one at a time from results rather than expanded up front.</summary>
    public bool IsAdaptive => Kind == SearchKind.Tpe;
}

/// <summary>Which scheduler decides what trains next.</summary>
public enum SchedulerKind
{
    /// <summary>Asynchronous successive halving.</summary>
    Asha,

    /// <summary>Every trial straight to <see cref="SchedulerOptions.MaxEpochs"/>: the baseline ASHA is measured against.</summary>
    None,
}

/// <summary><c>scheduler</c>: rung budgets in epochs and the score that ranks trials.</summary>
public sealed record SchedulerOptions
{
    public SchedulerKind Kind { get; init; } = SchedulerKind.Asha;

    /// <summary><c>min_epochs</c> (ASHA's r): the budget of rung 0; ignored by <c>none</c>.</summary>
    public int MinEpochs { get; init; } = 1;

    /// <summary><c>max_epochs</c> (ASHA's R): the most epochs any trial trains, and the length of every
    /// trial's learning-rate schedule.</summary>
    public int MaxEpochs { get; init; } = 9;

    /// <summary><c>eta</c>: reduction factor; the top 1/eta of a rung is promoted. Ignored by <c>none</c>.</summary>
    public int Eta { get; init; } = 3;

    /// <summary><c>metric</c>: an evaluation on the validation split (<c>probe_auc</c>, <c>r2_macro</c>, …; see
    /// <see cref="Sweeps.MetricNames"/>) or its <c>_gain</c> over the trial's untrained encoder.</summary>
    public string Metric { get; init; } = "probe_auc";

    /// <summary><c>mode</c>: <c>max</c> or <c>min</c>: whether a higher metric is better.</summary>
    public MetricMode Mode { get; init; } = MetricMode.Max;

    /// <summary>The pure scheduler's options (for <c>none</c>: a single rung of <see cref="MaxEpochs"/>).</summary>
    public AshaOptions ToAshaOptions() => Kind == SchedulerKind.None
        ? new AshaOptions(MaxEpochs, MaxEpochs, Eta: 2, Mode)
        : new AshaOptions(MinEpochs, MaxEpochs, Eta, Mode);
}

/// <summary><c>probe</c>: the linear probe trained on frozen encoder features. Mapped onto the model
/// project's probe configuration by the trial grain.</summary>
public sealed record ProbeSettings
{
    /// <summary><c>epochs</c>: passes of the probe's optimiser over the training features.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary><c>l2</c>: weight decay on the probe's weights.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary><c>learning_rate</c>.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary><c>batch_size</c>: images per encoder pass while extracting features.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary><c>pooling</c>: how the linear probe pools an image's patch tokens: <c>mean</c> (the default) or
    /// <c>regions</c> (means over <see cref="RegionGrid"/>×<see cref="RegionGrid"/> image regions, side by side).</summary>
    public FeaturePooling Pooling { get; init; } = FeaturePooling.MeanPatchTokens;

    /// <summary><c>layers</c>: the linear probe's features are the pooled tokens of the last this-many encoder
    /// blocks, averaged (1, the default: the last block alone). At most the encoder's depth.</summary>
    public int Layers { get; init; } = 1;

    /// <summary><c>train_images</c>: at most this many train-split images, evenly spaced, fit every probe (linear
    /// and ridge, the pixel baseline's too); null (the default) = the whole train split.</summary>
    public int? TrainImages { get; init; }

    /// <summary><c>evaluation.regression</c>: ridge probes of each physical truth the data carries (<c>r2_*</c>).</summary>
    public bool Regression { get; init; } = true;

    /// <summary><c>evaluation.reconstruction</c>: the masked-reconstruction loss on held-out images (<c>recon_loss</c>).</summary>
    public bool Reconstruction { get; init; } = true;

    /// <summary><c>evaluation.bootstrap</c>: resamples behind every 95% interval.</summary>
    public int BootstrapResamples { get; init; } = 1000;

    /// <summary><c>evaluation.region_grid</c>: regions per side the ridge features (and the linear probe's with
    /// <c>pooling: "regions"</c>) average patch tokens over, reduced to the largest divisor of the patch grid.</summary>
    public int RegionGrid { get; init; } = 4;

    /// <summary>The <c>pooling</c> names, in the one place the reader and the results take them from. CLS pooling is not
    /// among them: no spec setting gives a study's encoders a CLS token, so it would be refused for every configuration.</summary>
    internal static readonly (string Name, FeaturePooling Value)[] Poolings = [("mean", FeaturePooling.MeanPatchTokens), ("regions", FeaturePooling.RegionMeans)];

    /// <summary>The spec's name of <see cref="Pooling"/>.</summary>
    public string PoolingName => Poolings.First(p => p.Value == Pooling).Name;

    /// <summary>The linear probe's settings for one configuration's encoder; <paramref name="model"/> null for raw
    /// pixels, which are not pooled (the region grid is then left as written).</summary>
    public ProbeConfig ToProbeConfig(MaeConfig? model) => new()
    {
        Iterations = Epochs,
        L2 = L2,
        LearningRate = LearningRate,
        FeatureBatchSize = BatchSize,
        Pooling = Pooling,
        RegionGrid = model is null ? Math.Max(1, RegionGrid) : ProbeConfig.FittedRegionGrid(model, RegionGrid),
        LastLayers = Layers,
    };

    /// <summary>How the model project evaluates one configuration's encoder (<paramref name="model"/> null: raw pixels).</summary>
    public EvaluationSettings ToEvaluationSettings(MaeConfig? model) => new()
    {
        Probe = ToProbeConfig(model),
        Regression = Regression,
        Reconstruction = Reconstruction,
        BootstrapResamples = BootstrapResamples,
        RidgeRegionGrid = RegionGrid,
        MaxTrainImages = TrainImages,
    };
}

namespace LensSweep.Grains.Specs;

/// <summary>The spec's snake_case key names, shared by the reader and the validator so that problems
/// name fields exactly as the researcher wrote them.</summary>
public static class SpecKeys
{
    public const string Name = "name";
    public const string Dataset = "dataset";
    public const string SearchSpace = "search_space";
    public const string Search = "search";
    public const string Scheduler = "scheduler";
    public const string MaxConcurrentTrials = "max_concurrent_trials";
    public const string Probe = "probe";
    public const string Seed = "seed";
    public const string Repeats = "repeats";

    public const string Kind = "kind";
    public const string Path = "path";
    public const string ImagesPerClass = "images_per_class";
    public const string ImageSize = "image_size";
    public const string Classes = "classes";
    public const string ValidationFraction = "validation_fraction";
    public const string TestFraction = "test_fraction";
    public const string MacroLens = "macro_lens";
    public const string Noise = "noise";
    public const string UnlabelledPerClass = "unlabelled_per_class";
    public const string Fit = "fit";

    public const string Count = "count";
    public const string Startup = "startup";

    public const string MinEpochs = "min_epochs";
    public const string MaxEpochs = "max_epochs";
    public const string Eta = "eta";
    public const string Metric = "metric";
    public const string Mode = "mode";

    public const string Epochs = "epochs";
    public const string L2 = "l2";
    public const string LearningRate = "learning_rate";
    public const string BatchSize = "batch_size";
    public const string Pooling = "pooling";
    public const string Layers = "layers";
    public const string TrainImages = "train_images";

    public const string Min = "min";
    public const string Max = "max";
    public const string Scale = "scale";

    public static readonly string[] Root = [Name, Dataset, SearchSpace, Search, Scheduler, MaxConcurrentTrials, Probe, Seed, Repeats, Evaluation];
    public static readonly string[] DatasetKeys = [Kind, Path, ImagesPerClass, ImageSize, Classes, ValidationFraction, TestFraction, Seed, MacroLens, Noise, UnlabelledPerClass, Fit];
    public static readonly string[] SearchKeys = [Kind, Count, Startup];
    public static readonly string[] SchedulerKeys = [Kind, MinEpochs, MaxEpochs, Eta, Metric, Mode];
    public static readonly string[] ProbeKeys = [Epochs, L2, LearningRate, BatchSize, Pooling, Layers, TrainImages];

    public const string Evaluation = "evaluation";
    public const string Regression = "regression";
    public const string Reconstruction = "reconstruction";
    public const string Bootstrap = "bootstrap";
    public const string RegionGrid = "region_grid";
    public static readonly string[] EvaluationKeys = [Regression, Reconstruction, Bootstrap, RegionGrid];
    public static readonly string[] RangeKeys = [Min, Max, Scale];

    public static string Join(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";
}

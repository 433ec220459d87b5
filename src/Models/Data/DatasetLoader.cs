using System.Diagnostics;
using LensSweep.Models.Data.DeepLense;
using LensSweep.Models.Data.Lsst;
using LensSweep.Models.Simulation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LensSweep.Models.Data;

/// <summary>
/// The one entry point from a study's <see cref="DatasetOptions"/> to normalised images: runs the
/// simulator or a reader, replaces non-finite pixels, standardises each image
/// (<see cref="ImageNormalizer"/>), and reports what it did.
/// </summary>
public sealed partial class DatasetLoader(ILogger<DatasetLoader> logger)
{
    public DatasetLoader()
        : this(NullLogger<DatasetLoader>.Instance)
    {
    }

    /// <summary>Loads and normalises; the report goes to the log. See <see cref="LoadWithReport"/>.</summary>
    public LensDataset Load(
        DatasetOptions options,
        SimulatorOptions? simulator = null,
        IProgress<LoadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        LoadWithReport(options, simulator, progress, cancellationToken).Dataset;

    /// <summary>
    /// Loads and normalises, returning the report beside the data. For the simulator,
    /// <see cref="DatasetOptions.ImageSize"/> overrides the simulator's image size while keeping its field
    /// of view (the pixel scale changes), so a smaller image is a coarser view of the same lens, not a crop
    /// that cuts off the Einstein ring.
    /// </summary>
    /// <exception cref="DatasetException">The data cannot be read; the message names the file and the problem.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent (e.g. no path for a reader, a bad simulator setting).</exception>
    public LoadedDataset LoadWithReport(
        DatasetOptions options,
        SimulatorOptions? simulator = null,
        IProgress<LoadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ImagesPerClass is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ImagesPerClass, "DatasetOptions.ImagesPerClass must be at least 1 (or null for all).");
        }

        var clock = Stopwatch.StartNew();
        var (raw, source) = options.Kind switch
        {
            DatasetKind.Simulated => (Simulate(options, simulator ?? SimulatedLenses.Options(options.MacroLens, options.Noise), progress, cancellationToken), "simulator"),
            DatasetKind.DeepLense => (DeepLenseReader.Read(RequirePath(options), options.Classes, options.ImagesPerClass, options.Seed, progress, cancellationToken), options.Path!),
            DatasetKind.Lsst => (LsstReader.Read(RequirePath(options), options.Classes, options.ImagesPerClass, options.Seed, progress, cancellationToken), options.Path!),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown dataset kind."),
        };

        var counts = ImageNormalizer.Apply(raw.Dataset);
        if (options.Kind != DatasetKind.Simulated)
        {
            raw = raw with { Dataset = FitToImageSize(raw.Dataset, options, source) };
        }

        var perClass = raw.Dataset.ClassNames
            .Select((name, label) => (name, count: raw.Dataset.Labels.Count(l => l == label)))
            .ToDictionary(x => x.name, x => x.count);
        var report = new LoadReport(
            options.Kind,
            source,
            perClass,
            counts.NonFiniteValuesReplaced,
            counts.ImagesWithNonFiniteValues,
            counts.ConstantImages,
            raw.SkippedFiles,
            raw.SkippedFileExamples,
            clock.Elapsed);
        Log(report, raw.Dataset);
        return new LoadedDataset(raw.Dataset, report);
    }

    private static RawLoad Simulate(DatasetOptions options, SimulatorOptions simulatorOptions, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        var perClass = (options.ImagesPerClass
            ?? throw new ArgumentException("DatasetOptions.ImagesPerClass is required for the simulator (it has no 'all').", nameof(options)))
            + options.UnlabelledPerClass;
        var simulator = new LensSimulator(simulatorOptions.AtImageSize(options.ImageSize));
        var classes = options.Classes ?? LensClasses.All;
        progress?.Report(new LoadProgress("simulate", 0, perClass * classes.Count));
        var dataset = simulator.Generate(perClass, options.Seed, classes, cancellationToken: cancellationToken);
        progress?.Report(new LoadProgress("simulate", dataset.Count, dataset.Count));
        return new RawLoad(dataset, 0, [], []);
    }

    /// <summary>
    /// Brings read images to the study's image size (after sanitising, so no NaN is resampled). A cropped or
    /// resized image is standardised again; a padded one keeps its statistics and a border at its mean (zero).
    /// </summary>
    private static LensDataset FitToImageSize(LensDataset dataset, DatasetOptions options, string source)
    {
        if (ImageFitting.Problem(dataset.Height, dataset.Width, options.ImageSize, options.Fit) is { } problem)
        {
            throw new DatasetException(source, problem);
        }

        if (options.Fit is not { } fit || (dataset.Height == options.ImageSize && dataset.Width == options.ImageSize))
        {
            return dataset;
        }

        var fitted = ImageFitting.Apply(dataset, options.ImageSize, fit);
        if (fit != ImageFit.Pad)
        {
            ImageNormalizer.Apply(fitted);
        }

        return fitted;
    }

    private static string RequirePath(DatasetOptions options) =>
        string.IsNullOrWhiteSpace(options.Path)
            ? throw new ArgumentException($"DatasetOptions.Path is required for {options.Kind} data.", nameof(options))
            : options.Path;

    private void Log(LoadReport report, LensDataset dataset)
    {
        LogLoaded(report.Kind, report.Source, dataset.Count, dataset.Channels, dataset.Height, dataset.Width,
            string.Join(", ", report.ImagesPerClass.Select(kv => $"{kv.Key} {kv.Value}")), report.Elapsed.TotalSeconds);
        if (report.NonFiniteValuesReplaced > 0)
        {
            LogNonFinite(report.Source, report.NonFiniteValuesReplaced, report.ImagesWithNonFiniteValues);
        }

        if (report.ConstantImages > 0)
        {
            LogConstant(report.Source, report.ConstantImages);
        }

        if (report.SkippedFiles > 0)
        {
            LogSkipped(report.Source, report.SkippedFiles, string.Join(", ", report.SkippedFileExamples.Select(Path.GetFileName)));
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Loaded {Kind} data from {Source}: {Count} images of {Channels}x{Height}x{Width} ({PerClass}) in {Seconds:F1} s")]
    private partial void LogLoaded(DatasetKind kind, string source, int count, int channels, int height, int width, string perClass, double seconds);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "{Source}: replaced {Values} NaN/Inf pixels in {Images} images by their channel median")]
    private partial void LogNonFinite(string source, long values, int images);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "{Source}: {Images} images are constant and were set to zero")]
    private partial void LogConstant(string source, int images);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "{Source}: skipped {Files} files that are not part of the dataset, e.g. {Examples}")]
    private partial void LogSkipped(string source, int files, string examples);
}

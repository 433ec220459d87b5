using LensSweep.Client.Datasets;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Models.Data;

namespace LensSweep.Client.Commands;

/// <summary>
/// What an embedded run checks on this machine before it writes anything: the dataset folder is there
/// and readable, its classes are the spec's, and every configuration fits the real images (their size,
/// brought to <c>image_size</c> by <c>fit</c>, and their bands) and this machine's memory. Every problem is reported at
/// once; the spec file's own rules were checked when it was loaded (<see cref="SpecFiles"/>).
/// </summary>
internal static class StudyPreflight
{
    /// <exception cref="CliInputException">Anything would fail once trials start; each problem is listed.</exception>
    public static void Require(StudySpec spec, string specPath, int slots, CancellationToken cancellationToken)
    {
        var problems = new List<SpecProblem>();
        var shape = StudySpecValidator.ExpectedShape(spec.LoadedDataset);
        if (spec.Dataset.Kind != DatasetKind.Simulated && spec.Dataset.Path is { } path)
        {
            shape = CheckFolder(spec.Dataset, path, problems, cancellationToken) ?? shape;
            CheckTruths(spec, path, problems);
        }

        if (problems.Count == 0)
        {
            var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            problems.AddRange(ConfigurationChecks.Check(spec, shape, new MachineLimits(memory, slots)));
        }

        if (problems.Count > 0)
        {
            var count = problems.Count;
            throw new CliInputException(
                $"the study in '{specPath}' cannot run here: {count} problem{(count == 1 ? string.Empty : "s")}; nothing was started or written:",
                "Fix them and run the command again; 'lenssweep data inspect <folder>' shows what a dataset folder holds.",
                problems.Select(p => p.ToString()).ToList());
        }
    }

    /// <summary>A metric that regresses a truth needs it in the folder's truth.csv (the axion mass may also come
    /// pickled beside each axion image, which only reading every file would tell, so it is not checked here).</summary>
    private static void CheckTruths(StudySpec spec, string path, List<SpecProblem> problems)
    {
        if (spec.Dataset.Kind != DatasetKind.DeepLense || !Directory.Exists(path) || !MetricNames.IsKnown(spec.Scheduler.Metric))
        {
            return;
        }

        var needed = LensSweep.Models.Evaluation.EvaluationMetrics.TruthsNeeded(MetricNames.Parse(spec.Scheduler.Metric).Evaluation)
            .Where(t => t != LensTruths.AxionMass).ToList();
        if (needed.Count == 0)
        {
            return;
        }

        IReadOnlyList<string> columns;
        try
        {
            columns = LensSweep.Models.Data.DeepLense.TruthFile.Columns(path);
        }
        catch (DatasetException e)
        {
            problems.Add(new(SpecKeys.Join(SpecKeys.Scheduler, SpecKeys.Metric), spec.Scheduler.Metric, e.Message));
            return;
        }

        var missing = needed.Where(t => !columns.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            var file = Path.Combine(path, LensSweep.Models.Data.DeepLense.TruthFile.FileName);
            problems.Add(new(SpecKeys.Join(SpecKeys.Scheduler, SpecKeys.Metric), spec.Scheduler.Metric, columns.Count == 0
                ? $"regresses {string.Join(", ", missing)}, but the folder has no {file} (lenssweep data simulate writes one)"
                : $"regresses {string.Join(", ", missing)}, which {file} lacks (it has {string.Join(", ", columns)})"));
        }
    }

    /// <summary>Reads the folder as the trials will and returns the images' real shape; null when it cannot be read.</summary>
    private static DatasetShape? CheckFolder(DatasetOptions dataset, string path, List<SpecProblem> problems, CancellationToken cancellationToken)
    {
        var field = SpecKeys.Join(SpecKeys.Dataset, SpecKeys.Path);
        if (File.Exists(path))
        {
            problems.Add(new(field, path, "is a file; give the folder that holds one sub-folder per class"));
            return null;
        }

        DatasetInspection inspection;
        try
        {
            inspection = DatasetInspector.Inspect(path, dataset.Kind, cancellationToken);
        }
        catch (CliInputException e)
        {
            // Each unreadable file is a problem of its own, so the report lists them all.
            problems.AddRange(e.Details.Count > 0 ? e.Details.Select(d => new SpecProblem(field, path, d)) : [new(field, path, e.Message)]);
            return null;
        }

        if (inspection.Total == 0)
        {
            problems.Add(new(field, path, $"holds no readable images ({inspection.SkippedFiles} files skipped)"));
            return null;
        }

        var available = inspection.ImagesPerClass.Where(c => c.Value > 0).Select(c => c.Key).ToList();
        var wanted = dataset.Classes ?? available;
        foreach (var missing in wanted.Where(c => !available.Contains(c)))
        {
            problems.Add(new(SpecKeys.Join(SpecKeys.Dataset, SpecKeys.Classes), missing,
                $"the folder has no images of class '{missing}'; it has {string.Join(", ", available)}"));
        }

        var (channels, height, width) = inspection.Shape;
        if (ImageFitting.Problem(height, width, dataset.ImageSize, dataset.Fit) is { } misfit)
        {
            problems.Add(new(SpecKeys.Join(SpecKeys.Dataset, dataset.Fit is null ? SpecKeys.ImageSize : SpecKeys.Fit), path, misfit));
        }

        var images = wanted.Where(available.Contains).Sum(c => (long)Math.Min(inspection.ImagesPerClass[c], dataset.ImagesPerClass ?? int.MaxValue));
        return new DatasetShape(dataset.ImageSize, channels, images);
    }
}

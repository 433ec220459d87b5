using System.Text.RegularExpressions;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Search;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Probing;

namespace LensSweep.Grains.Specs;

/// <summary>
/// The rules a study spec must meet before anything starts. <see cref="Validate"/> reports every broken
/// rule at once, each naming the field (snake_case path), the value and the rule. Key names and value
/// types are checked earlier, by <see cref="StudySpecLoader"/>, which runs this too.
/// </summary>
public static partial class StudySpecValidator
{
    /// <summary>At most this many values (or combinations) are listed per rule and hyperparameter; the
    /// rest are summarised in one more problem, so a wide range cannot flood the report.</summary>
    public const int MaxCombinationProblems = 10;

    /// <summary>Seeds per configuration a study may ask for: enough for any interval, few enough to notice a typo.</summary>
    public const int MaxRepeats = 100;

    public static IReadOnlyList<SpecProblem> Validate(StudySpec spec) => Validate(spec, machine: null);

    /// <summary>As <see cref="Validate(StudySpec)"/>, and when <paramref name="machine"/> is given, the study's
    /// estimated memory (dataset and one trial per slot) against what that machine offers.</summary>
    public static IReadOnlyList<SpecProblem> Validate(StudySpec spec, MachineLimits? machine)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<SpecProblem>();
        ValidateStudy(spec, problems);
        ValidateDataset(spec.Dataset, problems);
        var beforeSearch = problems.Count;
        ValidateSearchSpace(spec, problems);
        ValidateSearch(spec, problems);
        var expandable = problems.Count == beforeSearch && spec.Dataset.ImageSize >= 1 && spec.Scheduler.MaxEpochs >= 1;
        ValidateScheduler(spec.Scheduler, problems);
        ValidateProbe(spec.Probe, problems);
        ValidateMetricData(spec, problems);
        if (expandable)
        {
            // Only a well-formed search space can be expanded; its configurations then meet the model's own
            // rules. Problems elsewhere (the scheduler's eta, the probe) do not hide these: one report has all.
            problems.AddRange(ConfigurationChecks.Check(spec, ExpectedShape(spec.LoadedDataset), machine));
        }

        return problems;
    }

    /// <summary>The images a spec asks for, as far as the spec alone tells: the spec's image size, the
    /// layout's bands, and for the simulator the image count (readers find the real size in the files).</summary>
    public static DatasetShape ExpectedShape(DatasetOptions dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var channels = dataset.Kind == DatasetKind.Lsst ? LensSweep.Models.Data.Lsst.LsstReader.Bands.Count : 1;
        var classes = dataset.Classes?.Count ?? (dataset.Kind == DatasetKind.Lsst ? 2 : LensSweep.Models.Simulation.LensClasses.All.Count);
        return new DatasetShape(dataset.ImageSize, channels, ((long)(dataset.ImagesPerClass ?? 0) + dataset.UnlabelledPerClass) * classes);
    }

    private static void ValidateStudy(StudySpec spec, List<SpecProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(spec.Name) || !StudyName().IsMatch(spec.Name))
        {
            problems.Add(new(SpecKeys.Name, spec.Name, "must be 1-100 letters, digits, '-', '_' or '.' (it is the study id)"));
        }

        AtLeast(problems, SpecKeys.MaxConcurrentTrials, spec.MaxConcurrentTrials, 1);
        AtLeast(problems, SpecKeys.Repeats, spec.Repeats, 1);
        if (spec.Repeats > MaxRepeats)
        {
            problems.Add(new(SpecKeys.Repeats, Text(spec.Repeats), $"at most {MaxRepeats} seeds per configuration"));
        }
    }

    private static void ValidateDataset(DatasetOptions dataset, List<SpecProblem> problems)
    {
        string Field(string key) => SpecKeys.Join(SpecKeys.Dataset, key);
        if (!Enum.IsDefined(dataset.Kind))
        {
            problems.Add(new(Field(SpecKeys.Kind), dataset.Kind.ToString(), "must be 'simulated', 'deeplense' or 'lsst'"));
        }

        if (dataset.Kind is DatasetKind.DeepLense or DatasetKind.Lsst && string.IsNullOrWhiteSpace(dataset.Path))
        {
            problems.Add(new(Field(SpecKeys.Path), dataset.Path, $"required for dataset kind '{dataset.Kind.ToString().ToLowerInvariant()}': the folder holding the data"));
        }

        if (dataset.ImagesPerClass is { } images)
        {
            AtLeast(problems, Field(SpecKeys.ImagesPerClass), images, 1);
        }

        AtLeast(problems, Field(SpecKeys.ImageSize), dataset.ImageSize, 1);
        AtLeast(problems, Field(SpecKeys.UnlabelledPerClass), dataset.UnlabelledPerClass, 0);
        if (dataset.Kind != DatasetKind.Simulated)
        {
            // The simulator's own settings mean nothing for files: refuse them rather than ignore them.
            if (dataset.MacroLens != LensSweep.Models.Simulation.MacroLens.Fixed)
            {
                problems.Add(new(Field(SpecKeys.MacroLens), "varied", "applies only to simulated data"));
            }

            if (dataset.Noise != LensSweep.Models.Simulation.PixelNoise.None)
            {
                problems.Add(new(Field(SpecKeys.Noise), "euclid", "applies only to simulated data"));
            }

            if (dataset.UnlabelledPerClass > 0)
            {
                problems.Add(new(Field(SpecKeys.UnlabelledPerClass), Text(dataset.UnlabelledPerClass), "applies only to simulated data (a folder's images are all labelled)"));
            }
        }
        if (dataset.Kind == DatasetKind.Simulated && dataset.Fit is { } fit)
        {
            problems.Add(new(Field(SpecKeys.Fit), ImageFitting.Naming(fit), "applies only to data read from files; the simulator renders at image_size"));
        }

        if (dataset.Classes is { } classes && (classes.Distinct(StringComparer.Ordinal).Count() < 2 || classes.Count != classes.Distinct(StringComparer.Ordinal).Count()))
        {
            problems.Add(new(Field(SpecKeys.Classes), "[" + string.Join(", ", classes) + "]", "must name at least 2 different classes, each once"));
        }

        if (dataset.Kind == DatasetKind.Simulated && dataset.Classes is { } named)
        {
            foreach (var unknown in named.Where(c => !LensSweep.Models.Simulation.LensClasses.All.Contains(c)).Distinct())
            {
                var nearest = NameSuggester.Nearest(unknown, LensSweep.Models.Simulation.LensClasses.All);
                problems.Add(new(Field(SpecKeys.Classes), unknown,
                    $"the simulator has no class '{unknown}'{(nearest is null ? "" : $" (did you mean '{nearest}'?)")}; it knows {string.Join(", ", LensSweep.Models.Simulation.LensClasses.All)}"));
            }
        }

        if (dataset.ValidationFraction is <= 0 or >= 1)
        {
            problems.Add(new(Field(SpecKeys.ValidationFraction), SpecFormat.Value(dataset.ValidationFraction), "must be strictly between 0 and 1 (trials are ranked on the validation split)"));
        }

        if (dataset.TestFraction is < 0 or >= 1)
        {
            problems.Add(new(Field(SpecKeys.TestFraction), SpecFormat.Value(dataset.TestFraction), "must be at least 0 and below 1"));
        }
        else if (dataset.ValidationFraction + dataset.TestFraction >= 1 && dataset.ValidationFraction is > 0 and < 1)
        {
            problems.Add(new(Field(SpecKeys.TestFraction), SpecFormat.Value(dataset.TestFraction),
                $"validation_fraction + test_fraction must be below 1 (it is {SpecFormat.Value(dataset.ValidationFraction + dataset.TestFraction)}), leaving images to train on"));
        }
    }

    private static void ValidateSearchSpace(StudySpec spec, List<SpecProblem> problems)
    {
        var space = spec.SearchSpace;
        foreach (var parameter in Hyperparameters.All)
        {
            ValidateDomain(parameter, space, spec.Search.Kind, problems);
        }

        foreach (var parameter in Hyperparameters.All)
        {
            ValueRule(problems, space, parameter);
        }

        if (Hyperparameters.UnlabelledPerClass.Largest(space) is > 0 && spec.Dataset.Kind != DatasetKind.Simulated)
        {
            problems.Add(new(SpecKeys.Join(SpecKeys.SearchSpace, Hyperparameters.UnlabelledPerClass.Name), Text(Hyperparameters.UnlabelledPerClass.Largest(space)!.Value),
                "applies only to simulated data (a folder's images are all labelled)"));
        }

        // Rules that tie hyperparameters together (heads divide the width, patches tile the image, at least
        // one patch stays visible, the warm-up ends before training does) are the model's own: they are
        // checked per configuration by ConfigurationChecks, which calls MaeConfigValidation.
    }

    private static void ValidateDomain(Hyperparameter parameter, SearchSpace space, SearchKind search, List<SpecProblem> problems)
    {
        string field = SpecKeys.Join(SpecKeys.SearchSpace, parameter.Name);
        if (parameter.ListedValues(space) is { Count: 0 })
        {
            problems.Add(new(field, "[]", "empty list: give at least one value"));
            return;
        }

        if (parameter.Range(space) is not var (min, max, scale))
        {
            return;
        }

        string text = $"{{ min: {SpecFormat.Value(min)}, max: {SpecFormat.Value(max)}, scale: {scale.ToString().ToLowerInvariant()} }}";
        if (parameter.Type == HyperparameterType.Choice)
        {
            problems.Add(new(field, text, $"takes names ({string.Join(", ", parameter.Choices)}) as a list or a single value, not a range"));
            return;
        }

        if (search == SearchKind.Grid)
        {
            problems.Add(new(field, text, "a range needs random or tpe search (\"search\": { \"kind\": \"random\", \"count\": N }); grid search takes a list of values"));
        }

        if (min > max)
        {
            problems.Add(new(field, text, "min must not exceed max"));
        }

        if (scale == RangeScale.Log && min <= 0)
        {
            problems.Add(new(field, text, "a log scale needs min > 0"));
        }

        bool integral = parameter.Type == HyperparameterType.Integer || scale == RangeScale.Int;
        if (integral && (min != Math.Floor(min) || max != Math.Floor(max)))
        {
            problems.Add(new(field, text, "an integer range needs whole-number min and max"));
        }
    }

    /// <summary>The rule one value of <paramref name="parameter"/> must meet on its own (its declaration's).</summary>
    private static void ValueRule(List<SpecProblem> problems, SearchSpace space, Hyperparameter parameter)
    {
        var (name, message) = (parameter.Name, parameter.Rule);
        if (parameter.Type == HyperparameterType.Choice && parameter.Range(space) is not null)
        {
            return;
        }

        if (parameter.Range(space) is { } range && range.Min > range.Max)
        {
            return;
        }

        if (!space.IsSearched(parameter))
        {
            // Unsearched: its default, which needs no rule (a dataset size's default stands for the dataset's own).
            return;
        }

        string field = SpecKeys.Join(SpecKeys.SearchSpace, name);
        var possible = parameter.PossibleValues(space) ?? [];

        var broken = possible.Distinct().Where(v => !parameter.IsValid(v)).ToList();
        foreach (double value in broken.Take(MaxCombinationProblems))
        {
            // As written: a dataset size's -1 is a number here, not the "dataset" its default is shown as.
            problems.Add(new(field, parameter.IsDataSize ? SpecFormat.Value(value) : parameter.FormatValue(value), message));
        }

        if (broken.Count > MaxCombinationProblems)
        {
            problems.Add(new(field, null, $"{broken.Count - MaxCombinationProblems} more values that break the same rule: {message}"));
        }
    }

    private static void ValidateSearch(StudySpec spec, List<SpecProblem> problems)
    {
        var search = spec.Search;
        if (search.Kind is SearchKind.Random or SearchKind.Tpe)
        {
            string field = SpecKeys.Join(SpecKeys.Search, SpecKeys.Count);
            AtLeast(problems, field, search.Count, 1);
            if (search.Count > SearchSpace.MaxConfigurations)
            {
                problems.Add(new(field, search.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"at most {SearchSpace.MaxConfigurations} configurations per study"));
            }
        }

        if (search.Kind == SearchKind.Tpe)
        {
            string field = SpecKeys.Join(SpecKeys.Search, SpecKeys.Startup);
            AtLeast(problems, field, search.Startup, 1);
            if (search.Startup >= search.Count && search.Count >= 1)
            {
                problems.Add(new(field, Text(search.Startup),
                    $"must be less than count ({search.Count}, default startup {TpeOptions.DefaultStartup}): with no trial left for the model, use random search"));
            }

            if (!Hyperparameters.All.Any(p => p.ListedValues(spec.SearchSpace) is not { Count: 1 }))
            {
                problems.Add(new(SpecKeys.SearchSpace, null, "tpe search needs at least one hyperparameter with a choice (a list of two or more values, or a range)"));
            }
        }
        else if (spec.SearchSpace.GridSize() is { } size && size > SearchSpace.MaxConfigurations)
        {
            string value = size == long.MaxValue ? "more than 9.2e18 configurations" : $"{size} configurations";
            problems.Add(new(SpecKeys.SearchSpace, value, $"the grid is too large to run (at most {SearchSpace.MaxConfigurations}); shorten the lists or use random search"));
        }
    }

    private static void ValidateScheduler(SchedulerOptions scheduler, List<SpecProblem> problems)
    {
        string Field(string key) => SpecKeys.Join(SpecKeys.Scheduler, key);
        AtLeast(problems, Field(SpecKeys.MaxEpochs), scheduler.MaxEpochs, 1);
        if (!MetricNames.IsKnown(scheduler.Metric))
        {
            problems.Add(new(Field(SpecKeys.Metric), scheduler.Metric, $"must be an evaluation or its _gain form: {string.Join(", ", MetricNames.Evaluations)}"));
        }

        if (!Enum.IsDefined(scheduler.Mode))
        {
            problems.Add(new(Field(SpecKeys.Mode), scheduler.Mode.ToString(), "must be 'max' or 'min'"));
        }

        if (scheduler.Kind != SchedulerKind.Asha)
        {
            return;
        }

        AtLeast(problems, Field(SpecKeys.MinEpochs), scheduler.MinEpochs, 1);
        if (scheduler.MinEpochs >= 1 && scheduler.MinEpochs > scheduler.MaxEpochs)
        {
            problems.Add(new(Field(SpecKeys.MinEpochs), Text(scheduler.MinEpochs), $"must not exceed max_epochs ({scheduler.MaxEpochs}): rung 0 cannot outlast the last rung"));
        }

        if (scheduler.Eta < 2)
        {
            problems.Add(new(Field(SpecKeys.Eta), Text(scheduler.Eta), "must be at least 2: the top 1/eta of a rung is promoted"));
        }
    }

    /// <summary>A regression metric needs its truth in the data: the simulator's macro lens varies only with
    /// <c>macro_lens: varied</c>, subhalos exist only in cdm, the axion mass only in axion, and folders carry no
    /// truths the readers know yet.</summary>
    private static void ValidateMetricData(StudySpec spec, List<SpecProblem> problems)
    {
        if (!MetricNames.IsKnown(spec.Scheduler.Metric))
        {
            return;
        }

        var evaluation = MetricNames.Parse(spec.Scheduler.Metric).Evaluation;
        var needed = LensSweep.Models.Evaluation.EvaluationMetrics.TruthsNeeded(evaluation);
        string field = SpecKeys.Join(SpecKeys.Scheduler, SpecKeys.Metric);
        if (needed.Count == 0)
        {
            if (evaluation == LensSweep.Models.Evaluation.EvaluationMetrics.ReconLoss && !spec.Probe.Reconstruction)
            {
                problems.Add(new(field, spec.Scheduler.Metric, "needs evaluation.reconstruction: true"));
            }
            else if (evaluation == LensSweep.Models.Evaluation.EvaluationMetrics.ReconLoss
                     && Hyperparameters.Objective.PossibleValues(spec.SearchSpace) is { } objectives
                     && objectives.Any(v => !LensSweep.Models.Evaluation.EncoderEvaluation.HasReconstruction(Hyperparameters.Objective.ApplyTo(new LensSweep.Models.Mae.MaeConfig(), v))))
            {
                problems.Add(new(field, spec.Scheduler.Metric, "scores the MAE's decoder, which objective ijepa does not train; rank by another metric or search objective mae only"));
            }

            return;
        }

        var dataset = spec.Dataset;
        var classes = dataset.Classes ?? LensSweep.Models.Simulation.LensClasses.All;
        string? missing = !spec.Probe.Regression ? "evaluation.regression is false"
            : dataset.Kind == DatasetKind.Lsst ? "LSST folders carry no per-image truths (a DeepLense folder's truth.csv does)"
            : dataset.Kind == DatasetKind.Simulated && needed.Any(LensSweep.Models.Data.LensTruths.Macro.Contains) && dataset.MacroLens != LensSweep.Models.Simulation.MacroLens.Varied
                ? "the macro lens is fixed, so its truths do not vary; set dataset.macro_lens: \"varied\""
            : needed.Contains(LensSweep.Models.Data.LensTruths.SubhaloCount) && !classes.Contains(LensSweep.Models.Simulation.LensClasses.Cdm)
                ? "only cdm images have subhalos; add cdm to dataset.classes"
            : needed.Contains(LensSweep.Models.Data.LensTruths.AxionMass) && !classes.Contains(LensSweep.Models.Simulation.LensClasses.Axion)
                ? "only axion images have an axion mass; add axion to dataset.classes"
            : null;
        if (missing is not null)
        {
            problems.Add(new(field, spec.Scheduler.Metric, $"the dataset lacks the truth it regresses: {missing}"));
        }
    }

    private static void ValidateProbe(ProbeSettings probe, List<SpecProblem> problems)
    {
        AtLeast(problems, SpecKeys.Join(SpecKeys.Evaluation, SpecKeys.Bootstrap), probe.BootstrapResamples, 0);
        AtLeast(problems, SpecKeys.Join(SpecKeys.Evaluation, SpecKeys.RegionGrid), probe.RegionGrid, 1);
        string Field(string key) => SpecKeys.Join(SpecKeys.Probe, key);
        AtLeast(problems, Field(SpecKeys.Epochs), probe.Epochs, 1);
        AtLeast(problems, Field(SpecKeys.BatchSize), probe.BatchSize, 1);
        AtLeast(problems, Field(SpecKeys.Layers), probe.Layers, ProbeConfig.MinLastLayers);
        if (probe.TrainImages is { } trainImages)
        {
            AtLeast(problems, Field(SpecKeys.TrainImages), trainImages, EvaluationSettings.MinTrainImages);
        }
        if (!(probe.L2 >= 0))
        {
            problems.Add(new(Field(SpecKeys.L2), SpecFormat.Value(probe.L2), "must be at least 0"));
        }

        if (!(probe.LearningRate > 0))
        {
            problems.Add(new(Field(SpecKeys.LearningRate), SpecFormat.Value(probe.LearningRate), "must be positive"));
        }
    }

    private static void AtLeast(List<SpecProblem> problems, string field, int value, int minimum)
    {
        if (value < minimum)
        {
            problems.Add(new(field, Text(value), $"must be at least {minimum}"));
        }
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex StudyName();
}

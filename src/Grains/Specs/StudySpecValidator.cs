using System.Text.RegularExpressions;
using LensSweep.Grains.Scheduling;
using LensSweep.Models.Data;

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

    public static IReadOnlyList<SpecProblem> Validate(StudySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<SpecProblem>();
        ValidateStudy(spec, problems);
        ValidateDataset(spec.Dataset, problems);
        ValidateSearchSpace(spec, problems);
        ValidateSearch(spec, problems);
        ValidateScheduler(spec.Scheduler, problems);
        ValidateProbe(spec.Probe, problems);
        return problems;
    }

    private static void ValidateStudy(StudySpec spec, List<SpecProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(spec.Name) || !StudyName().IsMatch(spec.Name))
        {
            problems.Add(new(SpecKeys.Name, spec.Name, "must be 1-100 letters, digits, '-', '_' or '.' (it is the study id)"));
        }

        AtLeast(problems, SpecKeys.MaxConcurrentTrials, spec.MaxConcurrentTrials, 1);
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
        if (dataset.Classes is { } classes && (classes.Distinct(StringComparer.Ordinal).Count() < 2 || classes.Count != classes.Distinct(StringComparer.Ordinal).Count()))
        {
            problems.Add(new(Field(SpecKeys.Classes), "[" + string.Join(", ", classes) + "]", "must name at least 2 different classes, each once"));
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

        ValueRule(problems, space, "mask_ratio", v => v is > 0 and < 1, "must be strictly between 0 and 1");
        ValueRule(problems, space, "patch_size", v => v >= 1, "must be at least 1");
        ValueRule(problems, space, "embed_dim", v => v >= 1, "must be at least 1");
        ValueRule(problems, space, "depth", v => v >= 1, "must be at least 1");
        ValueRule(problems, space, "heads", v => v >= 1, "must be at least 1");
        ValueRule(problems, space, "decoder_dim", v => v >= 1, "must be at least 1");
        ValueRule(problems, space, "decoder_depth", v => v >= 1, "must be at least 1");
        ValueRule(problems, space, "decoder_heads", v => v >= 1, "must be at least 1");
        ValueRule(problems, space, "mlp_ratio", v => v > 0, "must be positive");
        ValueRule(problems, space, "learning_rate", v => v > 0, "must be positive");
        ValueRule(problems, space, "weight_decay", v => v >= 0, "must be at least 0");
        ValueRule(problems, space, "batch_size", v => v >= 1, "must be at least 1");
        ValueRule(problems, space, "warmup_epochs", v => v >= 0, "must be at least 0");

        int imageSize = spec.Dataset.ImageSize;
        if (imageSize >= 1)
        {
            ValueRule(problems, space, "patch_size", v => v < 1 || imageSize % (int)v == 0,
                $"must divide dataset.image_size ({imageSize}) so the image splits into whole patches");
            VisiblePatchRule(problems, space, imageSize);
        }

        DividesRule(problems, space, "heads", "embed_dim");
        DividesRule(problems, space, "decoder_heads", "decoder_dim");
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
        if (parameter.Type == HyperparameterType.Boolean)
        {
            problems.Add(new(field, text, "takes true/false values (a list or a single value), not a range"));
            return;
        }

        if (search == SearchKind.Grid)
        {
            problems.Add(new(field, text, "a range needs random search (\"search\": { \"kind\": \"random\", \"count\": N }); grid search takes a list of values"));
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

    private static void ValueRule(List<SpecProblem> problems, SearchSpace space, string name, Func<double, bool> rule, string message)
    {
        var parameter = Hyperparameters.All.First(p => p.Name == name);
        if (parameter.Range(space) is { } range && range.Min > range.Max)
        {
            return;
        }

        string field = SpecKeys.Join(SpecKeys.SearchSpace, name);
        var broken = (parameter.PossibleValues(space) ?? []).Distinct().Where(v => !rule(v)).ToList();
        foreach (double value in broken.Take(MaxCombinationProblems))
        {
            problems.Add(new(field, parameter.FormatValue(value), message));
        }

        if (broken.Count > MaxCombinationProblems)
        {
            problems.Add(new(field, null, $"{broken.Count - MaxCombinationProblems} more values that break the same rule: {message}"));
        }
    }

    /// <summary>Every (divisor, dimension) pair that can occur must divide; the model cannot split a
    /// dimension into that many heads otherwise.</summary>
    private static void DividesRule(List<SpecProblem> problems, SearchSpace space, string divisorName, string dimensionName)
    {
        var divisor = Hyperparameters.All.First(p => p.Name == divisorName);
        var dimension = Hyperparameters.All.First(p => p.Name == dimensionName);
        string field = SpecKeys.Join(SpecKeys.SearchSpace, divisorName);
        var divisors = divisor.PossibleValues(space);
        var dimensions = dimension.PossibleValues(space);
        if (divisors is null || dimensions is null)
        {
            problems.Add(new(field, null,
                $"{divisorName} or {dimensionName} is an integer range too wide to check that {divisorName} divides {dimensionName} (over {Hyperparameter.MaxEnumeratedIntegers} values); give lists"));
            return;
        }

        var broken = (from h in divisors.Distinct() where h >= 1
                      from d in dimensions.Distinct() where d >= 1 && (int)d % (int)h != 0
                      select (h, d)).ToList();
        foreach (var (h, d) in broken.Take(MaxCombinationProblems))
        {
            problems.Add(new(field, $"{divisorName}={h}, {dimensionName}={d}", $"{divisorName} must divide {dimensionName} ({d} / {h} is not whole)"));
        }

        if (broken.Count > MaxCombinationProblems)
        {
            problems.Add(new(field, null, $"{broken.Count - MaxCombinationProblems} more ({divisorName}, {dimensionName}) combinations where {divisorName} does not divide {dimensionName}"));
        }
    }

    /// <summary>MAE keeps ⌊L·(1 − mask_ratio)⌋ of an image's L patches; with none visible the encoder
    /// has nothing to see.</summary>
    private static void VisiblePatchRule(List<SpecProblem> problems, SearchSpace space, int imageSize)
    {
        var patches = Hyperparameters.All.First(p => p.Name == "patch_size").PossibleValues(space) ?? [];
        var ratios = Hyperparameters.All.First(p => p.Name == "mask_ratio").PossibleValues(space) ?? [];
        var broken = (from p in patches.Distinct() where p >= 1 && imageSize % (int)p == 0
                      from m in ratios.Distinct() where m is > 0 and < 1
                      let count = (imageSize / (int)p) * (imageSize / (int)p)
                      where (int)(count * (1 - m)) < 1
                      select (p, m, count)).ToList();
        foreach (var (p, m, count) in broken.Take(MaxCombinationProblems))
        {
            problems.Add(new(SpecKeys.Join(SpecKeys.SearchSpace, "mask_ratio"), $"mask_ratio={SpecFormat.Value(m)}, patch_size={p}",
                $"leaves no visible patch: {count} patches per image, {SpecFormat.Value(m)} of them masked"));
        }
    }

    private static void ValidateSearch(StudySpec spec, List<SpecProblem> problems)
    {
        var search = spec.Search;
        if (search.Kind == SearchKind.Random)
        {
            string field = SpecKeys.Join(SpecKeys.Search, SpecKeys.Count);
            AtLeast(problems, field, search.Count, 1);
            if (search.Count > SearchSpace.MaxConfigurations)
            {
                problems.Add(new(field, search.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"at most {SearchSpace.MaxConfigurations} configurations per study"));
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
        if (!Enum.IsDefined(scheduler.Metric))
        {
            problems.Add(new(Field(SpecKeys.Metric), scheduler.Metric.ToString(), "must be 'val_auc' or 'val_accuracy'"));
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

    private static void ValidateProbe(ProbeSettings probe, List<SpecProblem> problems)
    {
        string Field(string key) => SpecKeys.Join(SpecKeys.Probe, key);
        AtLeast(problems, Field(SpecKeys.Epochs), probe.Epochs, 1);
        AtLeast(problems, Field(SpecKeys.BatchSize), probe.BatchSize, 1);
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

using System.Text.Json;
using LensSweep.Grains.Scheduling;
using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Simulation;

namespace LensSweep.Grains.Specs;

/// <summary>
/// Turns a parsed spec document into a <see cref="StudySpec"/>, checking every key against the format
/// instead of ignoring what it does not know. Each wrong key or type becomes a problem and the field
/// keeps its default, so one pass reports everything.
/// </summary>
internal sealed class SpecReader
{
    private static readonly (string Name, DatasetKind Value)[] DatasetKinds =
        [("simulated", DatasetKind.Simulated), ("deeplense", DatasetKind.DeepLense), ("lsst", DatasetKind.Lsst)];

    private static readonly (string Name, SearchKind Value)[] SearchKinds = [("grid", SearchKind.Grid), ("random", SearchKind.Random), ("tpe", SearchKind.Tpe)];

    private static readonly (string Name, SchedulerKind Value)[] SchedulerKinds = [("asha", SchedulerKind.Asha), ("none", SchedulerKind.None)];


    private static readonly (string Name, MetricMode Value)[] Modes = [("max", MetricMode.Max), ("min", MetricMode.Min)];

    private static readonly (string Name, MacroLens Value)[] MacroLenses = [("fixed", MacroLens.Fixed), ("varied", MacroLens.Varied)];

    private static readonly (string Name, PixelNoise Value)[] Noises = [("none", PixelNoise.None), ("euclid", PixelNoise.Euclid)];
    private static readonly (string Name, ImageFit Value)[] Fits = [.. System.Enum.GetValues<ImageFit>().Select(f => (ImageFitting.Naming(f), f))];

    private static readonly (string Name, RangeScale Value)[] Scales = [("uniform", RangeScale.Uniform), ("log", RangeScale.Log), ("int", RangeScale.Int)];

    private readonly List<SpecProblem> problems = [];

    public IReadOnlyList<SpecProblem> Problems => problems;

    /// <summary>The spec, or null when the document is not even an object with a name.</summary>
    public StudySpec? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Problem("$", root, "a study spec must be an object of keys (name, dataset, search_space, …)");
            return null;
        }

        CheckKeys(root, string.Empty, SpecKeys.Root);
        string? name = null;
        if (root.TryGetProperty(SpecKeys.Name, out var nameElement))
        {
            name = String(nameElement, SpecKeys.Name);
        }
        else
        {
            problems.Add(new SpecProblem(SpecKeys.Name, null, "required: the study's name (its id)"));
        }

        var spec = new StudySpec { Name = name ?? string.Empty };
        return spec with
        {
            Dataset = Section(root, SpecKeys.Dataset, ReadDataset) ?? spec.Dataset,
            SearchSpace = Section(root, SpecKeys.SearchSpace, ReadSearchSpace) ?? spec.SearchSpace,
            Search = Section(root, SpecKeys.Search, ReadSearch) ?? spec.Search,
            Scheduler = Section(root, SpecKeys.Scheduler, ReadScheduler) ?? spec.Scheduler,
            Probe = ReadEvaluation(root, Section(root, SpecKeys.Probe, ReadProbe) ?? spec.Probe),
            MaxConcurrentTrials = Optional(root, string.Empty, SpecKeys.MaxConcurrentTrials, Int) ?? spec.MaxConcurrentTrials,
            Repeats = Optional(root, string.Empty, SpecKeys.Repeats, Int) ?? spec.Repeats,
            Seed = Optional(root, string.Empty, SpecKeys.Seed, Int) ?? spec.Seed,
        };
    }

    private DatasetOptions ReadDataset(JsonElement e, string path)
    {
        CheckKeys(e, path, SpecKeys.DatasetKeys);
        var defaults = new DatasetOptions();
        return new DatasetOptions
        {
            Kind = Optional(e, path, SpecKeys.Kind, (x, f) => Enum(x, f, DatasetKinds)) ?? defaults.Kind,
            Path = OptionalReference(e, path, SpecKeys.Path, String),
            ImagesPerClass = e.TryGetProperty(SpecKeys.ImagesPerClass, out var images) && images.ValueKind == JsonValueKind.Null
                ? null
                : Optional(e, path, SpecKeys.ImagesPerClass, Int) ?? defaults.ImagesPerClass,
            ImageSize = Optional(e, path, SpecKeys.ImageSize, Int) ?? defaults.ImageSize,
            Classes = OptionalReference(e, path, SpecKeys.Classes, Strings),
            ValidationFraction = Optional(e, path, SpecKeys.ValidationFraction, Double) ?? defaults.ValidationFraction,
            TestFraction = Optional(e, path, SpecKeys.TestFraction, Double) ?? defaults.TestFraction,
            Seed = Optional(e, path, SpecKeys.Seed, Int) ?? defaults.Seed,
            MacroLens = Optional(e, path, SpecKeys.MacroLens, (x, f) => Enum(x, f, MacroLenses)) ?? defaults.MacroLens,
            Noise = Optional(e, path, SpecKeys.Noise, (x, f) => Enum(x, f, Noises)) ?? defaults.Noise,
            UnlabelledPerClass = Optional(e, path, SpecKeys.UnlabelledPerClass, Int) ?? defaults.UnlabelledPerClass,
            Fit = Optional(e, path, SpecKeys.Fit, (x, f) => Enum(x, f, Fits)),
        };
    }

    private SearchSpace ReadSearchSpace(JsonElement e, string path)
    {
        CheckKeys(e, path, [.. Hyperparameters.Names, .. Hyperparameters.Retired.Keys]);
        foreach (var (retired, replacement) in Hyperparameters.Retired)
        {
            if (e.TryGetProperty(retired, out var old))
            {
                Problem(SpecKeys.Join(path, retired), old, replacement);
            }
        }

        var space = new SearchSpace();
        foreach (var parameter in Hyperparameters.All)
        {
            if (e.TryGetProperty(parameter.Name, out var value))
            {
                space = ReadDomain(space, parameter, value, SpecKeys.Join(path, parameter.Name));
            }
        }

        return space;
    }

    private SearchSpace ReadDomain(SearchSpace space, Hyperparameter parameter, JsonElement e, string field)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                var values = new List<double>();
                bool allRead = true;
                foreach (var item in e.EnumerateArray())
                {
                    double? value = HyperparameterValue(item, field, parameter);
                    allRead &= value.HasValue;
                    values.Add(value ?? 0);
                }

                return allRead ? parameter.WithDomain(space, values) : space;

            case JsonValueKind.Object:
                CheckKeys(e, field, SpecKeys.RangeKeys);
                double? min = Required(e, field, SpecKeys.Min, Double);
                double? max = Required(e, field, SpecKeys.Max, Double);
                var scale = Optional(e, field, SpecKeys.Scale, (x, f) => Enum(x, f, Scales)) ?? RangeScale.Uniform;
                return min is { } lo && max is { } hi ? parameter.WithDomain(space, lo, hi, scale) : space;

            default:
                return HyperparameterValue(e, field, parameter) is { } fixedValue
                    ? parameter.WithDomain(space, [fixedValue])
                    : space;
        }
    }

    private double? HyperparameterValue(JsonElement e, string field, Hyperparameter parameter) => parameter.Type switch
    {
        HyperparameterType.Choice => Choice(e, field, parameter),
        HyperparameterType.Integer => Int(e, field),
        _ => Double(e, field),
    };

    private SearchOptions ReadSearch(JsonElement e, string path)
    {
        CheckKeys(e, path, SpecKeys.SearchKeys);
        var kind = Required(e, path, SpecKeys.Kind, (x, f) => Enum(x, f, SearchKinds)) ?? SearchKind.Grid;
        int? count = Optional(e, path, SpecKeys.Count, Int);
        int? startup = Optional(e, path, SpecKeys.Startup, Int);
        if (kind != SearchKind.Grid && !e.TryGetProperty(SpecKeys.Count, out _))
        {
            problems.Add(new SpecProblem(SpecKeys.Join(path, SpecKeys.Count), null, $"required for {kind.ToString().ToLowerInvariant()} search: how many configurations to draw"));
        }

        if (kind == SearchKind.Grid && e.TryGetProperty(SpecKeys.Count, out var stray))
        {
            Problem(SpecKeys.Join(path, SpecKeys.Count), stray, "applies only to random and tpe search; a grid runs every combination");
        }

        if (kind != SearchKind.Tpe && e.TryGetProperty(SpecKeys.Startup, out var strayStartup))
        {
            Problem(SpecKeys.Join(path, SpecKeys.Startup), strayStartup, "applies only to tpe search: the random trials before the model takes over");
        }

        var defaults = new SearchOptions();
        var startupOrDefault = startup ?? defaults.Startup;

        // A missing count already refuses the spec (above). The count used then only has to keep the validator's
        // startup < count rule from reporting a second problem that is just the first one restated.
        var countWhenMissing = kind == SearchKind.Tpe ? Math.Max(defaults.Count, startupOrDefault + 1) : defaults.Count;
        return new SearchOptions { Kind = kind, Count = count ?? countWhenMissing, Startup = startupOrDefault };
    }

    private SchedulerOptions ReadScheduler(JsonElement e, string path)
    {
        CheckKeys(e, path, SpecKeys.SchedulerKeys);
        var defaults = new SchedulerOptions();
        var kind = Optional(e, path, SpecKeys.Kind, (x, f) => Enum(x, f, SchedulerKinds)) ?? defaults.Kind;
        if (kind == SchedulerKind.None)
        {
            foreach (var ashaOnly in new[] { SpecKeys.MinEpochs, SpecKeys.Eta })
            {
                if (e.TryGetProperty(ashaOnly, out var stray))
                {
                    Problem(SpecKeys.Join(path, ashaOnly), stray, "applies only to scheduler kind 'asha'; 'none' trains every trial to max_epochs");
                }
            }
        }

        var metric = OptionalReference(e, path, SpecKeys.Metric, Metric) ?? defaults.Metric;
        return new SchedulerOptions
        {
            Kind = kind,
            MinEpochs = kind == SchedulerKind.Asha ? Optional(e, path, SpecKeys.MinEpochs, Int) ?? defaults.MinEpochs : defaults.MinEpochs,
            MaxEpochs = Optional(e, path, SpecKeys.MaxEpochs, Int) ?? defaults.MaxEpochs,
            Eta = kind == SchedulerKind.Asha ? Optional(e, path, SpecKeys.Eta, Int) ?? defaults.Eta : defaults.Eta,
            Metric = metric,
            Mode = Optional(e, path, SpecKeys.Mode, (x, f) => Enum(x, f, Modes)) ?? MetricNames.DefaultMode(metric),
        };
    }

    /// <summary>The <c>evaluation</c> section's settings, kept with the probe's: together they say how a frozen encoder is scored.</summary>
    private ProbeSettings ReadEvaluation(JsonElement root, ProbeSettings probe)
    {
        if (!root.TryGetProperty(SpecKeys.Evaluation, out var e))
        {
            return probe;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            Problem(SpecKeys.Evaluation, e, "must be an object");
            return probe;
        }

        CheckKeys(e, SpecKeys.Evaluation, SpecKeys.EvaluationKeys);
        return probe with
        {
            Regression = Optional(e, SpecKeys.Evaluation, SpecKeys.Regression, Bool) ?? probe.Regression,
            Reconstruction = Optional(e, SpecKeys.Evaluation, SpecKeys.Reconstruction, Bool) ?? probe.Reconstruction,
            BootstrapResamples = Optional(e, SpecKeys.Evaluation, SpecKeys.Bootstrap, Int) ?? probe.BootstrapResamples,
            RegionGrid = Optional(e, SpecKeys.Evaluation, SpecKeys.RegionGrid, Int) ?? probe.RegionGrid,
        };
    }

    private ProbeSettings ReadProbe(JsonElement e, string path)
    {
        CheckKeys(e, path, SpecKeys.ProbeKeys);
        var defaults = new ProbeSettings();
        return new ProbeSettings
        {
            Epochs = Optional(e, path, SpecKeys.Epochs, Int) ?? defaults.Epochs,
            L2 = Optional(e, path, SpecKeys.L2, Double) ?? defaults.L2,
            LearningRate = Optional(e, path, SpecKeys.LearningRate, Double) ?? defaults.LearningRate,
            BatchSize = Optional(e, path, SpecKeys.BatchSize, Int) ?? defaults.BatchSize,
            Pooling = Optional(e, path, SpecKeys.Pooling, (x, f) => Enum(x, f, ProbeSettings.Poolings)) ?? defaults.Pooling,
            Layers = Optional(e, path, SpecKeys.Layers, Int) ?? defaults.Layers,
            TrainImages = e.TryGetProperty(SpecKeys.TrainImages, out var trainImages) && trainImages.ValueKind == JsonValueKind.Null
                ? null
                : Optional(e, path, SpecKeys.TrainImages, Int) ?? defaults.TrainImages,
        };
    }

    private T? Section<T>(JsonElement parent, string key, Func<JsonElement, string, T> read)
        where T : class
    {
        if (!parent.TryGetProperty(key, out var e))
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            Problem(key, e, "must be an object of keys");
            return null;
        }

        return read(e, key);
    }

    private T? Optional<T>(JsonElement parent, string path, string key, Func<JsonElement, string, T?> read)
        where T : struct =>
        parent.TryGetProperty(key, out var e) ? read(e, SpecKeys.Join(path, key)) : null;

    /// <summary>A reference-typed optional key; JSON null counts as absent.</summary>
    private T? OptionalReference<T>(JsonElement parent, string path, string key, Func<JsonElement, string, T?> read)
        where T : class =>
        parent.TryGetProperty(key, out var e) && e.ValueKind != JsonValueKind.Null ? read(e, SpecKeys.Join(path, key)) : null;

    private T? Required<T>(JsonElement parent, string path, string key, Func<JsonElement, string, T?> read)
        where T : struct
    {
        if (parent.TryGetProperty(key, out var e))
        {
            return read(e, SpecKeys.Join(path, key));
        }

        problems.Add(new SpecProblem(SpecKeys.Join(path, key), null, "required"));
        return null;
    }

    private void CheckKeys(JsonElement e, string path, IReadOnlyList<string> known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in e.EnumerateObject())
        {
            string field = SpecKeys.Join(path, property.Name);
            if (!seen.Add(property.Name))
            {
                Problem(field, property.Value, "appears twice; give each key once");
            }
            else if (!known.Contains(property.Name))
            {
                string? nearest = NameSuggester.Nearest(property.Name, known);
                Problem(field, property.Value, nearest is null
                    ? $"unknown key; valid keys here: {string.Join(", ", known)}"
                    : $"unknown key; did you mean '{nearest}'?");
            }
        }
    }

    private int? Int(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Number)
        {
            Problem(field, e, "must be a whole number");
            return null;
        }

        // 1e9 and 1000000000.0 are whole numbers as written in a spec; TryGetInt32 takes only plain digits.
        if (e.TryGetInt32(out int value))
        {
            return value;
        }

        switch (e.TryGetDouble(out double real) ? WholeNumber.TryFrom(real, out value) : WholeNumber.Problem.OutOfRange)
        {
            case WholeNumber.Problem.None:
                return value;
            case WholeNumber.Problem.NotIntegral:
                Problem(field, e, "must be a whole number");
                return null;
            default:
                Problem(field, e, $"must be a whole number from {int.MinValue} to {int.MaxValue}");
                return null;
        }
    }

    private double? Double(JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double value) && double.IsFinite(value))
        {
            return value;
        }

        Problem(field, e, "must be a finite number");
        return null;
    }

    private bool? Bool(JsonElement e, string field)
    {
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return e.GetBoolean();
        }

        Problem(field, e, "must be true or false");
        return null;
    }

    private string? String(JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            return e.GetString();
        }

        Problem(field, e, "must be a string");
        return null;
    }

    private IReadOnlyList<string>? Strings(JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.Array && e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String))
        {
            return e.EnumerateArray().Select(x => x.GetString()!).ToArray();
        }

        Problem(field, e, "must be a list of strings");
        return null;
    }

    /// <summary>A metric name: an evaluation, an alias of one, or either with <c>_gain</c>.</summary>
    private string? Metric(JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.String && MetricNames.IsKnown(e.GetString()!))
        {
            return e.GetString();
        }

        string? nearest = e.ValueKind == JsonValueKind.String ? NameSuggester.Nearest(e.GetString()!, MetricNames.All) : null;
        string rule = $"must be an evaluation or its _gain form: {string.Join(", ", MetricNames.Evaluations)}";
        Problem(field, e, nearest is null ? rule : $"did you mean '{nearest}'? It {rule}");
        return null;
    }

    /// <summary>A named choice's index, from its name.</summary>
    private double? Choice(JsonElement e, string field, Hyperparameter parameter) =>
        Enum(e, field, [.. parameter.Choices.Select((name, index) => (name, (double)index))]);

    private T? Enum<T>(JsonElement e, string field, (string Name, T Value)[] names)
        where T : struct
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            string text = e.GetString()!;
            foreach (var (name, value) in names)
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
        }

        var allowed = names.Select(n => n.Name).ToArray();
        string? nearest = e.ValueKind == JsonValueKind.String ? NameSuggester.Nearest(e.GetString()!, allowed) : null;
        string rule = $"must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}";
        Problem(field, e, nearest is null ? rule : $"{rule}; did you mean '{nearest}'?");
        return null;
    }

    private void Problem(string field, JsonElement value, string rule)
    {
        // A string keeps its quotes, so "20" where a number is wanted reads as the string it is.
        string text = value.ValueKind == JsonValueKind.String ? $"\"{value.GetString()}\"" : value.GetRawText();
        problems.Add(new SpecProblem(field, text.Length > 80 ? text[..77] + "..." : text, rule));
    }
}

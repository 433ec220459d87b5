using System.Globalization;
using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;

namespace LensSweep.Grains.Specs;

/// <summary>What kind of number a hyperparameter is: decides how ranges are sampled and checked.</summary>
internal enum HyperparameterType
{
    Real,
    Integer,

    /// <summary>One of a few names (<see cref="Hyperparameter.Choices"/>); held as the name's index.</summary>
    Choice,
}

/// <summary>
/// One searchable hyperparameter, declared once in <see cref="Hyperparameters.All"/>: its spec key, its kind of
/// value, its default (read off the model's or optimiser's own default), the config property it sets and how,
/// and the rule one value must meet on its own. The spec reader, the validator, grid/random/TPE search, the
/// trial assignment's persistence, the console's display and the trainer all work from this record, so a new
/// hyperparameter is one declaration plus its use in the model. Values are numbers: integers and reals as
/// they are, choices the index of their name.
/// </summary>
internal sealed class Hyperparameter
{
    /// <summary>Above this many integers a range is not enumerated for divisibility checks.</summary>
    public const int MaxEnumeratedIntegers = 10_000;

    /// <summary>A dataset-size hyperparameter's value in a trial whose spec does not search it: the study dataset's
    /// own size (shown as <c>dataset</c>). Whether a spec searches it is <see cref="SearchSpace.IsSearched"/>'s to
    /// say, never this value's: a spec that writes it is refused like any number below the minimum.</summary>
    public const double DatasetOwn = -1;

    /// <summary>How <see cref="DatasetOwn"/> is written.</summary>
    public const string DatasetOwnText = "dataset";

    private readonly Func<MaeConfig, double, MaeConfig>? toModel;
    private readonly Func<OptimizerConfig, double, OptimizerConfig>? toOptimizer;
    private readonly Func<double, bool> rule;

    private Hyperparameter(
        string name, HyperparameterType type, string setting, double defaultValue, IReadOnlyList<string> choices,
        Func<MaeConfig, double, MaeConfig>? toModel, Func<OptimizerConfig, double, OptimizerConfig>? toOptimizer,
        Func<double, bool> rule, string ruleText)
    {
        (Name, Type, Setting, Default, Choices) = (name, type, setting, defaultValue, choices);
        (this.toModel, this.toOptimizer, this.rule, Rule) = (toModel, toOptimizer, rule, ruleText);
    }

    /// <summary>The spec key (snake_case), also the name in leaderboards, plots and logs.</summary>
    public string Name { get; }

    public HyperparameterType Type { get; }

    /// <summary>The <see cref="MaeConfig"/> or <see cref="OptimizerConfig"/> property it sets, as that config's
    /// validation names it, so the model's problems are reported at this spec key.</summary>
    public string Setting { get; }

    /// <summary>The value a spec that leaves the key out trains with: the model's or optimiser's default.</summary>
    public double Default { get; }

    /// <summary>The names of a <see cref="HyperparameterType.Choice"/>, in index order; empty otherwise.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>What one value must meet regardless of the others (rules that tie settings together are the model's).</summary>
    public string Rule { get; }

    /// <summary>Position in <see cref="Hyperparameters.All"/>: the grid order, and where a trial holds its value.</summary>
    public int Index { get; private set; }

    public bool IsValid(double value) => rule(value);

    /// <summary>A dataset size (<see cref="DatasetOptions"/>), not a model or optimiser setting: a trial's value cuts
    /// the study's train split or pool (<see cref="DatasetSizes"/>); unsearched it is <see cref="DatasetOwn"/>.</summary>
    public bool IsDataSize { get; private init; }

    /// <summary>The largest size a search space gives this dataset-size hyperparameter (what the study loads), or
    /// null when it is not searched.</summary>
    public int? Largest(SearchSpace space)
    {
        if (!IsDataSize)
        {
            return null;
        }

        if (!space.IsSearched(this))
        {
            return null;
        }

        var values = Range(space) is var (_, max, _) ? [Math.Floor(max)] : ListedValues(space)!;
        return values.Count == 0 ? null : ToInt(values.Max());
    }

    /// <summary>A trial's size for a dataset-size hyperparameter, or null for the dataset's own.</summary>
    public int? SizeIn(TrialConfig config) => config[this] == DatasetOwn ? null : ToInt(config[this]);

    /// <summary>The model config with this hyperparameter set (unchanged when it is an optimiser setting).</summary>
    public MaeConfig ApplyTo(MaeConfig model, double value) => toModel is null ? model : toModel(model, value);

    /// <summary>The optimiser config with this hyperparameter set (unchanged when it is a model setting).</summary>
    public OptimizerConfig ApplyTo(OptimizerConfig optimizer, double value) => toOptimizer is null ? optimizer : toOptimizer(optimizer, value);

    /// <summary>The value in a trial, as a number (choices their index).</summary>
    public double Read(TrialConfig config) => config[this];

    public string Format(TrialConfig config) => FormatValue(config[this]);

    /// <summary>The value as a spec writes it: <c>0.75</c>, <c>8</c>, <c>block</c>.</summary>
    public string FormatValue(double value) => Type switch
    {
        _ when IsDataSize && value == DatasetOwn => DatasetOwnText,
        HyperparameterType.Integer => SpecFormat.Value(ToInt(value)),
        HyperparameterType.Choice => value >= 0 && value < Choices.Count && value == Math.Floor(value) ? Choices[(int)value] : SpecFormat.Value(value),
        _ => SpecFormat.Value(value),
    };

    /// <summary>The number of a value written by <see cref="FormatValue"/>, or null when it is not one.</summary>
    public double? ParseValue(string text) => Type switch
    {
        HyperparameterType.Choice => Choices.ToList().IndexOf(text) is var i and >= 0 ? i : null,
        _ when IsDataSize && text == DatasetOwnText => DatasetOwn,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null,
    };

    /// <summary>The list of values, or null when the domain is a range.</summary>
    public IReadOnlyList<double>? ListedValues(SearchSpace space) =>
        space.Domain(this) is ParameterDomain<double>.Values v ? v.Items : null;

    /// <summary>The range, or null when the domain is a list.</summary>
    public (double Min, double Max, RangeScale Scale)? Range(SearchSpace space) =>
        space.Domain(this) is ParameterDomain<double>.Range r ? (r.Min, r.Max, r.Scale) : null;

    public TrialConfig WithListed(TrialConfig config, SearchSpace space, int index) => config.With(this, ListedValues(space)![index]);

    public TrialConfig WithSample(TrialConfig config, double value) => config.With(this, Normalise(value));

    /// <summary>The search space with this hyperparameter's domain replaced by a list of values.</summary>
    public SearchSpace WithDomain(SearchSpace space, IReadOnlyList<double> values) =>
        space.With(this, new ParameterDomain<double>.Values([.. values.Select(Normalise)]));

    /// <summary>The search space with this hyperparameter's domain replaced by a range.</summary>
    public SearchSpace WithDomain(SearchSpace space, double min, double max, RangeScale scale) =>
        space.With(this, new ParameterDomain<double>.Range(min, max, scale));

    /// <summary>
    /// Every value a trial could get from this domain when that set is small enough to list: the list
    /// itself, or every integer of an integer range. A real range yields its two bounds (the rules on real
    /// parameters are intervals, so the bounds decide), an oversized integer range null.
    /// </summary>
    public IReadOnlyList<double>? PossibleValues(SearchSpace space)
    {
        if (ListedValues(space) is { } listed)
        {
            return listed;
        }

        var (min, max, scale) = Range(space)!.Value;
        if (Type == HyperparameterType.Integer || scale == RangeScale.Int)
        {
            double lo = Math.Ceiling(min), hi = Math.Floor(max);
            if (hi < lo || hi - lo >= MaxEnumeratedIntegers)
            {
                return hi < lo ? [] : null;
            }

            return Enumerable.Range(0, (int)(hi - lo) + 1).Select(i => lo + i).ToArray();
        }

        return [min, max];
    }

    /// <summary>Draws one value; consumes the generator only when there is a choice, so fixing a
    /// hyperparameter does not shift the samples of the others.</summary>
    public TrialConfig Sample(TrialConfig config, SearchSpace space, Random random)
    {
        if (ListedValues(space) is { } listed)
        {
            return listed.Count == 1 ? WithListed(config, space, 0) : WithListed(config, space, random.Next(listed.Count));
        }

        var (min, max, scale) = Range(space)!.Value;
        double u = random.NextDouble();
        bool integral = Type == HyperparameterType.Integer || scale == RangeScale.Int;
        double value = scale switch
        {
            RangeScale.Log => Math.Exp(Math.Log(min) + u * (Math.Log(max) - Math.Log(min))),
            _ when integral => Math.Floor(Math.Ceiling(min) + u * (Math.Floor(max) - Math.Ceiling(min) + 1)),
            _ => min + u * (max - min),
        };
        if (integral)
        {
            value = Math.Clamp(Math.Round(value), Math.Ceiling(min), Math.Floor(max));
        }

        return WithSample(config, value);
    }

    /// <summary>A number as this kind of value holds it: integers rounded.</summary>
    private double Normalise(double value) => Type switch
    {
        HyperparameterType.Integer => ToInt(value),
        _ => value,
    };

    private static int ToInt(double value) => (int)Math.Clamp(Math.Round(value), int.MinValue, int.MaxValue);

    internal static IReadOnlyList<Hyperparameter> Number(IReadOnlyList<Hyperparameter> all)
    {
        for (var i = 0; i < all.Count; i++)
        {
            all[i].Index = i;
        }

        return all;
    }

    /// <summary>A model setting; its default is <paramref name="get"/> of a default <see cref="MaeConfig"/>.</summary>
    internal static Hyperparameter Model(
        string name, HyperparameterType type, string setting, Func<MaeConfig, double> get, Func<MaeConfig, double, MaeConfig> set,
        Func<double, bool> rule, string ruleText, IReadOnlyList<string>? choices = null) =>
        new(name, type, setting, get(new MaeConfig()), choices ?? [], set, null, rule, ruleText);

    /// <summary>A dataset size: unsearched, the study dataset's own (<see cref="DatasetOwn"/>); searched, at least
    /// <paramref name="minimum"/>.</summary>
    internal static Hyperparameter DataSize(string name, string setting, int minimum) =>
        new(name, HyperparameterType.Integer, setting, DatasetOwn, [], null, null, v => v >= minimum,
            $"must be at least {minimum}") { IsDataSize = true };

    /// <summary>An optimiser setting; its default is <paramref name="get"/> of a default <see cref="OptimizerConfig"/>.</summary>
    internal static Hyperparameter Optimizer(
        string name, HyperparameterType type, string setting, Func<OptimizerConfig, double> get, Func<OptimizerConfig, double, OptimizerConfig> set,
        Func<double, bool> rule, string ruleText) =>
        new(name, type, setting, get(new OptimizerConfig()), [], null, set, rule, ruleText);
}

/// <summary>
/// The searchable hyperparameters, declared once each, in their one documented order (the grid order). To add
/// one: add its property to <see cref="MaeConfig"/> (with the default and, if it needs one, a rule in
/// <see cref="MaeConfigValidation"/>) or <see cref="OptimizerConfig"/>, declare it here, append it to
/// <see cref="All"/>, and use it in the model. Nothing else changes: a key added after the first fourteen is
/// persisted by name (<c>TrialConfigSurrogate.Others</c>).
/// </summary>
internal static class Hyperparameters
{
    private const string AtLeastOne = "must be at least 1";

    public static readonly Hyperparameter MaskRatio = Hyperparameter.Model("mask_ratio", HyperparameterType.Real, nameof(MaeConfig.MaskRatio),
        m => m.MaskRatio, (m, v) => m with { MaskRatio = v }, v => v is > 0 and < 1, "must be strictly between 0 and 1");

    public static readonly Hyperparameter PatchSize = Hyperparameter.Model("patch_size", HyperparameterType.Integer, nameof(MaeConfig.PatchSize),
        m => m.PatchSize, (m, v) => m with { PatchSize = (int)v }, v => v >= 1, AtLeastOne);

    public static readonly Hyperparameter EmbedDim = Hyperparameter.Model("embed_dim", HyperparameterType.Integer, nameof(MaeConfig.EmbedDim),
        m => m.EmbedDim, (m, v) => m with { EmbedDim = (int)v }, v => v >= 1, AtLeastOne);

    public static readonly Hyperparameter Depth = Hyperparameter.Model("depth", HyperparameterType.Integer, nameof(MaeConfig.Depth),
        m => m.Depth, (m, v) => m with { Depth = (int)v }, v => v >= 1, AtLeastOne);

    public static readonly Hyperparameter Heads = Hyperparameter.Model("heads", HyperparameterType.Integer, nameof(MaeConfig.Heads),
        m => m.Heads, (m, v) => m with { Heads = (int)v }, v => v >= 1, AtLeastOne);

    public static readonly Hyperparameter DecoderDim = Hyperparameter.Model("decoder_dim", HyperparameterType.Integer, nameof(MaeConfig.DecoderEmbedDim),
        m => m.DecoderEmbedDim, (m, v) => m with { DecoderEmbedDim = (int)v }, v => v >= 1, AtLeastOne);

    public static readonly Hyperparameter DecoderDepth = Hyperparameter.Model("decoder_depth", HyperparameterType.Integer, nameof(MaeConfig.DecoderDepth),
        m => m.DecoderDepth, (m, v) => m with { DecoderDepth = (int)v }, v => v >= 1, AtLeastOne);

    public static readonly Hyperparameter DecoderHeads = Hyperparameter.Model("decoder_heads", HyperparameterType.Integer, nameof(MaeConfig.DecoderHeads),
        m => m.DecoderHeads, (m, v) => m with { DecoderHeads = (int)v }, v => v >= 1, AtLeastOne);

    public static readonly Hyperparameter MlpRatio = Hyperparameter.Model("mlp_ratio", HyperparameterType.Real, nameof(MaeConfig.MlpRatio),
        m => m.MlpRatio, (m, v) => m with { MlpRatio = v }, v => v > 0, "must be positive");

    public static readonly Hyperparameter LearningRate = Hyperparameter.Optimizer("learning_rate", HyperparameterType.Real, nameof(OptimizerConfig.LearningRate),
        o => o.LearningRate, (o, v) => o with { LearningRate = v }, v => v > 0, "must be positive");

    public static readonly Hyperparameter WeightDecay = Hyperparameter.Optimizer("weight_decay", HyperparameterType.Real, nameof(OptimizerConfig.WeightDecay),
        o => o.WeightDecay, (o, v) => o with { WeightDecay = v }, v => v >= 0, "must be at least 0");

    public static readonly Hyperparameter BatchSize = Hyperparameter.Optimizer("batch_size", HyperparameterType.Integer, nameof(OptimizerConfig.BatchSize),
        o => o.BatchSize, (o, v) => o with { BatchSize = (int)v }, v => v >= 1, AtLeastOne);

    public static readonly Hyperparameter WarmupEpochs = Hyperparameter.Optimizer("warmup_epochs", HyperparameterType.Integer, nameof(OptimizerConfig.WarmupEpochs),
        o => o.WarmupEpochs, (o, v) => o with { WarmupEpochs = (int)v }, v => v >= 0, "must be at least 0");

    /// <summary><c>loss</c>: mse, mse_norm_pix (the default, upstream MAE's norm_pix_loss), l1 or bce.</summary>
    public static readonly Hyperparameter Loss = Choice("loss", nameof(MaeConfig.Loss), MaeChoiceNames.Losses,
        m => m.Loss, (m, v) => m with { Loss = v });

    /// <summary><c>masking</c>: random (the default), block or informed.</summary>
    public static readonly Hyperparameter Masking = Choice("masking", nameof(MaeConfig.Masking), MaeChoiceNames.Maskings,
        m => m.Masking, (m, v) => m with { Masking = v });

    /// <summary><c>masking_temperature</c>: informed masking's preference for varied patches (ignored by the others).</summary>
    public static readonly Hyperparameter MaskingTemperature = Hyperparameter.Model("masking_temperature", HyperparameterType.Real, nameof(MaeConfig.MaskingTemperature),
        m => m.MaskingTemperature, (m, v) => m with { MaskingTemperature = v }, v => v > 0, "must be positive");

    /// <summary><c>objective</c>: mae (the default) or ijepa; which other keys each reads is stated on
    /// <see cref="PretrainingObjective"/> (the rest are ignored, never refused).</summary>
    public static readonly Hyperparameter Objective = Choice("objective", nameof(MaeConfig.Objective), MaeChoiceNames.Objectives,
        m => m.Objective, (m, v) => m with { Objective = v });

    /// <summary><c>images_per_class</c>: labelled images per class a trial learns from (its train split is the
    /// share a dataset of that size would train on; validation and test stay the study's, see
    /// <see cref="DatasetSizes"/>). Searched, it replaces <c>dataset.images_per_class</c>: the study loads the largest.</summary>
    public static readonly Hyperparameter ImagesPerClass = Hyperparameter.DataSize(SpecKeys.ImagesPerClass, nameof(DatasetOptions.ImagesPerClass), 1);

    /// <summary><c>unlabelled_per_class</c>: unlabelled simulated images per class a trial also pretrains on.
    /// Searched, it replaces <c>dataset.unlabelled_per_class</c>: the study simulates the largest.</summary>
    public static readonly Hyperparameter UnlabelledPerClass = Hyperparameter.DataSize(SpecKeys.UnlabelledPerClass, nameof(DatasetOptions.UnlabelledPerClass), 0);

    public static readonly IReadOnlyList<Hyperparameter> All = Hyperparameter.Number(
    [
        MaskRatio, PatchSize, EmbedDim, Depth, Heads, DecoderDim, DecoderDepth, DecoderHeads, MlpRatio,
        LearningRate, WeightDecay, BatchSize, WarmupEpochs, Loss, Masking, MaskingTemperature, Objective,
        ImagesPerClass, UnlabelledPerClass,
    ]);

    /// <summary>The dataset options a study loads: its own, with each searched dataset size at the largest value
    /// its search space gives (every trial's view is cut from that one split, see <see cref="DatasetSizes"/>).</summary>
    public static DatasetOptions Loaded(DatasetOptions dataset, SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(space);
        return dataset with
        {
            ImagesPerClass = ImagesPerClass.Largest(space) ?? dataset.ImagesPerClass,
            UnlabelledPerClass = UnlabelledPerClass.Largest(space) ?? dataset.UnlabelledPerClass,
        };
    }

    public static readonly IReadOnlyList<string> Names = All.Select(p => p.Name).ToArray();

    /// <summary>Spec keys that no longer exist, with what replaces them, so an old spec is told the fix.</summary>
    public static readonly IReadOnlyDictionary<string, string> Retired = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["norm_pixel_loss"] = "replaced by \"loss\": \"mse_norm_pix\" for true, \"mse\" for false",
    };

    /// <summary>The declaration of a spec key, or null.</summary>
    public static Hyperparameter? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    private static Hyperparameter Choice<T>(
        string name, string setting, IReadOnlyList<(string Name, T Value)> choices, Func<MaeConfig, T> get, Func<MaeConfig, T, MaeConfig> set)
        where T : struct, Enum =>
        Hyperparameter.Model(name, HyperparameterType.Choice, setting,
            m => IndexOf(choices, get(m)), (m, v) => set(m, choices[(int)v].Value),
            v => v >= 0 && v < choices.Count && v == Math.Floor(v), $"must be one of {string.Join(", ", choices.Select(c => $"'{c.Name}'"))}",
            [.. choices.Select(c => c.Name)]);

    private static int IndexOf<T>(IReadOnlyList<(string Name, T Value)> choices, T value)
        where T : struct, Enum
    {
        for (var i = 0; i < choices.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(choices[i].Value, value))
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, "Not among the declared choices.");
    }
}

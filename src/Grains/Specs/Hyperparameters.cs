namespace LensSweep.Grains.Specs;

/// <summary>What kind of number a hyperparameter is: decides how ranges are sampled and checked.</summary>
internal enum HyperparameterType
{
    Real,
    Integer,
    Boolean,
}

/// <summary>
/// One searchable hyperparameter, seen without its CLR type, so that expansion and the generic spec
/// checks walk one table instead of repeating themselves fourteen times.
/// </summary>
internal abstract class Hyperparameter(string name, HyperparameterType type)
{
    /// <summary>Above this many integers a range is not enumerated for divisibility checks.</summary>
    public const int MaxEnumeratedIntegers = 10_000;

    public string Name { get; } = name;

    public HyperparameterType Type { get; } = type;

    /// <summary>The value in a trial, as a number (booleans are 0/1).</summary>
    public abstract double Read(TrialConfig config);

    public abstract string Format(TrialConfig config);

    /// <summary>The list of values, or null when the domain is a range.</summary>
    public abstract IReadOnlyList<double>? ListedValues(SearchSpace space);

    /// <summary>The range, or null when the domain is a list.</summary>
    public abstract (double Min, double Max, RangeScale Scale)? Range(SearchSpace space);

    public abstract string FormatValue(double value);

    public abstract TrialConfig WithListed(TrialConfig config, SearchSpace space, int index);

    public abstract TrialConfig WithSample(TrialConfig config, double value);

    /// <summary>The search space with this hyperparameter's domain replaced by a list of values
    /// (numbers; booleans as 0/1) or a range.</summary>
    public abstract SearchSpace WithDomain(SearchSpace space, IReadOnlyList<double> values);

    /// <inheritdoc cref="WithDomain(SearchSpace, IReadOnlyList{double})"/>
    public abstract SearchSpace WithDomain(SearchSpace space, double min, double max, RangeScale scale);

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
}

internal sealed class Hyperparameter<T>(
    string name,
    HyperparameterType type,
    Func<SearchSpace, ParameterDomain<T>> domain,
    Func<SearchSpace, ParameterDomain<T>, SearchSpace> setDomain,
    Func<TrialConfig, T> get,
    Func<TrialConfig, T, TrialConfig> set,
    Func<T, double> toNumber,
    Func<double, T> fromNumber) : Hyperparameter(name, type)
    where T : struct, IEquatable<T>
{
    public ParameterDomain<T> Domain(SearchSpace space) => domain(space);

    public override double Read(TrialConfig config) => toNumber(get(config));

    public override string Format(TrialConfig config) => SpecFormat.Value(get(config));

    public override string FormatValue(double value) => SpecFormat.Value(fromNumber(value));

    public override IReadOnlyList<double>? ListedValues(SearchSpace space) =>
        domain(space) is ParameterDomain<T>.Values v ? v.Items.Select(toNumber).ToArray() : null;

    public override (double Min, double Max, RangeScale Scale)? Range(SearchSpace space) =>
        domain(space) is ParameterDomain<T>.Range r ? (r.Min, r.Max, r.Scale) : null;

    public override TrialConfig WithListed(TrialConfig config, SearchSpace space, int index) =>
        set(config, ((ParameterDomain<T>.Values)domain(space)).Items[index]);

    public override TrialConfig WithSample(TrialConfig config, double value) => set(config, fromNumber(value));

    public override SearchSpace WithDomain(SearchSpace space, IReadOnlyList<double> values) =>
        setDomain(space, new ParameterDomain<T>.Values(values.Select(fromNumber).ToArray()));

    public override SearchSpace WithDomain(SearchSpace space, double min, double max, RangeScale scale) =>
        setDomain(space, new ParameterDomain<T>.Range(min, max, scale));
}

/// <summary>The searchable hyperparameters in their one documented order (the grid order).</summary>
internal static class Hyperparameters
{
    public static readonly IReadOnlyList<Hyperparameter> All =
    [
        Real("mask_ratio", s => s.MaskRatio, (s, d) => s with { MaskRatio = d }, c => c.MaskRatio, (c, v) => c with { MaskRatio = v }),
        Integer("patch_size", s => s.PatchSize, (s, d) => s with { PatchSize = d }, c => c.PatchSize, (c, v) => c with { PatchSize = v }),
        Integer("embed_dim", s => s.EmbedDim, (s, d) => s with { EmbedDim = d }, c => c.EmbedDim, (c, v) => c with { EmbedDim = v }),
        Integer("depth", s => s.Depth, (s, d) => s with { Depth = d }, c => c.Depth, (c, v) => c with { Depth = v }),
        Integer("heads", s => s.Heads, (s, d) => s with { Heads = d }, c => c.Heads, (c, v) => c with { Heads = v }),
        Integer("decoder_dim", s => s.DecoderDim, (s, d) => s with { DecoderDim = d }, c => c.DecoderDim, (c, v) => c with { DecoderDim = v }),
        Integer("decoder_depth", s => s.DecoderDepth, (s, d) => s with { DecoderDepth = d }, c => c.DecoderDepth, (c, v) => c with { DecoderDepth = v }),
        Integer("decoder_heads", s => s.DecoderHeads, (s, d) => s with { DecoderHeads = d }, c => c.DecoderHeads, (c, v) => c with { DecoderHeads = v }),
        Real("mlp_ratio", s => s.MlpRatio, (s, d) => s with { MlpRatio = d }, c => c.MlpRatio, (c, v) => c with { MlpRatio = v }),
        Real("learning_rate", s => s.LearningRate, (s, d) => s with { LearningRate = d }, c => c.LearningRate, (c, v) => c with { LearningRate = v }),
        Real("weight_decay", s => s.WeightDecay, (s, d) => s with { WeightDecay = d }, c => c.WeightDecay, (c, v) => c with { WeightDecay = v }),
        Integer("batch_size", s => s.BatchSize, (s, d) => s with { BatchSize = d }, c => c.BatchSize, (c, v) => c with { BatchSize = v }),
        Integer("warmup_epochs", s => s.WarmupEpochs, (s, d) => s with { WarmupEpochs = d }, c => c.WarmupEpochs, (c, v) => c with { WarmupEpochs = v }),
        new Hyperparameter<bool>("norm_pixel_loss", HyperparameterType.Boolean,
            s => s.NormPixelLoss, (s, d) => s with { NormPixelLoss = d },
            c => c.NormPixelLoss, (c, v) => c with { NormPixelLoss = v }, v => v ? 1 : 0, n => n != 0),
    ];

    public static readonly IReadOnlyList<string> Names = All.Select(p => p.Name).ToArray();

    private static Hyperparameter<double> Real(
        string name, Func<SearchSpace, ParameterDomain<double>> domain,
        Func<SearchSpace, ParameterDomain<double>, SearchSpace> setDomain,
        Func<TrialConfig, double> get, Func<TrialConfig, double, TrialConfig> set) =>
        new(name, HyperparameterType.Real, domain, setDomain, get, set, v => v, n => n);

    private static Hyperparameter<int> Integer(
        string name, Func<SearchSpace, ParameterDomain<int>> domain,
        Func<SearchSpace, ParameterDomain<int>, SearchSpace> setDomain,
        Func<TrialConfig, int> get, Func<TrialConfig, int, TrialConfig> set) =>
        new(name, HyperparameterType.Integer, domain, setDomain, get, set, v => v, n => (int)Math.Clamp(Math.Round(n), int.MinValue, int.MaxValue));
}

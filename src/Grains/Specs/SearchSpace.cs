namespace LensSweep.Grains.Specs;

/// <summary>
/// <c>search_space</c>: the values each hyperparameter may take. A key the spec leaves out is fixed at
/// the <see cref="TrialConfig"/> default (the reference MAE of shared/bench/README.md).
/// </summary>
public sealed record SearchSpace
{
    /// <summary>Grid search refuses to expand more configurations than this (a study that large would
    /// never finish, and is almost always a typo in a list).</summary>
    public const long MaxConfigurations = 100_000;

    private DomainTable domains = DomainTable.Defaults;

    /// <summary>The values <paramref name="parameter"/> may take, as numbers (choices their index): the domain the
    /// spec gives it, or its declaration's default (fixed) when the spec leaves it out.</summary>
    internal ParameterDomain<double> Domain(Hyperparameter parameter) => domains[parameter.Index];

    /// <summary>Whether the spec gives <paramref name="parameter"/> a domain (any list, single value or range), as
    /// opposed to leaving it at its declaration's default. The one home of "is this searched": an unsearched
    /// parameter needs no rule, and an unsearched dataset size is the dataset's own (its marker value is never
    /// read as a decision; a written one is a number like any other, and refused).</summary>
    internal bool IsSearched(Hyperparameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return domains.IsGiven(parameter.Index);
    }

    /// <summary>For each hyperparameter searched over a range (not a list), whether on a log scale: what the spec
    /// declared, so plots and the importance estimate need not guess the scale from the values drawn.</summary>
    public IReadOnlyDictionary<string, bool> RangeScales() =>
        Hyperparameters.All
            .Where(p => Domain(p) is ParameterDomain<double>.Range)
            .ToDictionary(p => p.Name, p => ((ParameterDomain<double>.Range)Domain(p)).Scale == RangeScale.Log);

    internal SearchSpace With(Hyperparameter parameter, ParameterDomain<double> domain) => this with { domains = domains.With(parameter.Index, domain) };

    /// <summary>The search space with a named choice (<c>masking</c>, <c>loss</c>) listed as <paramref name="names"/>.</summary>
    /// <exception cref="ArgumentException">The key is not a choice, or a name is not one of its choices.</exception>
    public SearchSpace WithChoices(string key, params string[] names)
    {
        var parameter = Hyperparameters.Find(key) is { Type: HyperparameterType.Choice } found ? found
            : throw new ArgumentException($"'{key}' is not a named choice among the hyperparameters.", nameof(key));
        var values = names.Select(n => parameter.ParseValue(n) ?? throw new ArgumentException($"'{n}' is not one of {string.Join(", ", parameter.Choices)}.", nameof(names)));
        return With(parameter, new ParameterDomain<double>.Values([.. values]));
    }

    public ParameterDomain<double> MaskRatio { get => Domain(Hyperparameters.MaskRatio); init => Set(Hyperparameters.MaskRatio, value); }
    public ParameterDomain<int> PatchSize { get => Typed<int>(Hyperparameters.PatchSize); init => Set(Hyperparameters.PatchSize, value); }
    public ParameterDomain<int> EmbedDim { get => Typed<int>(Hyperparameters.EmbedDim); init => Set(Hyperparameters.EmbedDim, value); }
    public ParameterDomain<int> Depth { get => Typed<int>(Hyperparameters.Depth); init => Set(Hyperparameters.Depth, value); }
    public ParameterDomain<int> Heads { get => Typed<int>(Hyperparameters.Heads); init => Set(Hyperparameters.Heads, value); }
    public ParameterDomain<int> DecoderDim { get => Typed<int>(Hyperparameters.DecoderDim); init => Set(Hyperparameters.DecoderDim, value); }
    public ParameterDomain<int> DecoderDepth { get => Typed<int>(Hyperparameters.DecoderDepth); init => Set(Hyperparameters.DecoderDepth, value); }
    public ParameterDomain<int> DecoderHeads { get => Typed<int>(Hyperparameters.DecoderHeads); init => Set(Hyperparameters.DecoderHeads, value); }
    public ParameterDomain<double> MlpRatio { get => Domain(Hyperparameters.MlpRatio); init => Set(Hyperparameters.MlpRatio, value); }
    public ParameterDomain<double> LearningRate { get => Domain(Hyperparameters.LearningRate); init => Set(Hyperparameters.LearningRate, value); }
    public ParameterDomain<double> WeightDecay { get => Domain(Hyperparameters.WeightDecay); init => Set(Hyperparameters.WeightDecay, value); }
    public ParameterDomain<int> BatchSize { get => Typed<int>(Hyperparameters.BatchSize); init => Set(Hyperparameters.BatchSize, value); }
    public ParameterDomain<int> WarmupEpochs { get => Typed<int>(Hyperparameters.WarmupEpochs); init => Set(Hyperparameters.WarmupEpochs, value); }

    private ParameterDomain<T> Typed<T>(Hyperparameter parameter) where T : struct, IEquatable<T> => Domain(parameter) switch
    {
        ParameterDomain<double>.Values v => new ParameterDomain<T>.Values([.. v.Items.Select(x => (T)Convert.ChangeType(x, typeof(T), System.Globalization.CultureInfo.InvariantCulture))]),
        ParameterDomain<double>.Range r => new ParameterDomain<T>.Range(r.Min, r.Max, r.Scale),
        _ => throw new InvalidOperationException("Unknown domain."),
    };

    private void Set<T>(Hyperparameter parameter, ParameterDomain<T> domain) where T : struct, IEquatable<T> =>
        domains = domains.With(parameter.Index, domain switch
        {
            ParameterDomain<T>.Values v => new ParameterDomain<double>.Values([.. v.Items.Select(x => Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture))]),
            ParameterDomain<T>.Range r => new ParameterDomain<double>.Range(r.Min, r.Max, r.Scale),
            _ => throw new ArgumentException("Unknown domain.", nameof(domain)),
        });

    /// <summary>The number of grid configurations (product of the list lengths), saturating at
    /// <see cref="long.MaxValue"/>; null when some hyperparameter is a range.</summary>
    public long? GridSize()
    {
        long size = 1;
        foreach (var parameter in Hyperparameters.All)
        {
            if (parameter.ListedValues(this) is not { } values)
            {
                return null;
            }

            size = values.Count == 0 ? 0 : size > long.MaxValue / values.Count ? long.MaxValue : size * values.Count;
        }

        return size;
    }

    /// <summary>
    /// The study's configurations; trial n is element n. Deterministic: grid search yields the cartesian
    /// product in the order of <see cref="Hyperparameters.All"/>, the LAST varying fastest and each list in the order written. Random search draws
    /// <see cref="SearchOptions.Count"/> configurations from <c>new Random(seed)</c> (the seeded .NET
    /// generator, stable across runtimes), hyperparameters in the same order, lists picked uniformly.
    /// Call on a validated spec; a grid with a range or too many configurations throws.
    /// TPE search has no configurations up front (each is proposed from the results so far) and throws.
    /// </summary>
    public IReadOnlyList<TrialConfig> Expand(SearchOptions search, int seed)
    {
        ArgumentNullException.ThrowIfNull(search);
        return search.Kind switch
        {
            SearchKind.Grid => ExpandGrid(),
            SearchKind.Random => Sample(search.Count, seed),
            _ => throw new InvalidOperationException(
                $"{search.Kind} search proposes each configuration from the results so far (TpeSampler); it has none to expand up front."),
        };
    }

    /// <summary>
    /// The configurations the up-front checks run the model's rules on: those <see cref="Expand"/> yields,
    /// and for TPE the <see cref="SearchOptions.Count"/> draws random search would make with the same
    /// seed (its start-up trials are such draws and its proposals come from the same domains, so a rule
    /// that ties ranges together and breaks often is caught; a rare combination may still fail its trial).
    /// </summary>
    public IReadOnlyList<TrialConfig> ConfigurationsToCheck(SearchOptions search, int seed)
    {
        ArgumentNullException.ThrowIfNull(search);
        return search.IsAdaptive ? Sample(search.Count, seed) : Expand(search, seed);
    }

    private TrialConfig[] ExpandGrid()
    {
        long size = GridSize()
            ?? throw new ArgumentException("Grid search needs a list of values for every hyperparameter; ranges are for random search.");
        if (size > MaxConfigurations)
        {
            throw new ArgumentException($"The grid has {size} configurations, more than the {MaxConfigurations} a study may run.");
        }

        var parameters = Hyperparameters.All;
        var counts = parameters.Select(p => p.ListedValues(this)!.Count).ToArray();
        var trials = new TrialConfig[size];
        var digits = new int[parameters.Count];
        for (long n = 0; n < size; n++)
        {
            var config = new TrialConfig();
            for (int i = 0; i < parameters.Count; i++)
            {
                config = parameters[i].WithListed(config, this, digits[i]);
            }

            trials[n] = config;
            for (int i = parameters.Count - 1; i >= 0 && ++digits[i] == counts[i]; i--)
            {
                digits[i] = 0;
            }
        }

        return trials;
    }

    private TrialConfig[] Sample(int count, int seed)
    {
        if (count < 1 || count > MaxConfigurations)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Random search draws between 1 and {MaxConfigurations} configurations.");
        }

        var random = new Random(seed);
        var trials = new TrialConfig[count];
        for (int n = 0; n < count; n++)
        {
            var config = new TrialConfig();
            foreach (var parameter in Hyperparameters.All)
            {
                config = parameter.Sample(config, this, random);
            }

            trials[n] = config;
        }

        return trials;
    }
}

/// <summary>A search space's domains in declaration order, each the one given or (not given) its declaration's
/// default. Compared by the domains alone: a value written as its default and one left out are the same space.</summary>
internal sealed class DomainTable : IEquatable<DomainTable>
{
    private static readonly ParameterDomain<double>[] DefaultDomains = [.. Hyperparameters.All.Select(p => ParameterDomain.Fixed(p.Default))];

    /// <summary>Per parameter, the domain given; null where none was.</summary>
    private readonly ParameterDomain<double>?[] given;

    private DomainTable(ParameterDomain<double>?[] given) => this.given = given;

    public static DomainTable Defaults { get; } = new(new ParameterDomain<double>?[Hyperparameters.All.Count]);

    public ParameterDomain<double> this[int index] => given[index] ?? DefaultDomains[index];

    public bool IsGiven(int index) => given[index] is not null;

    public DomainTable With(int index, ParameterDomain<double> domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var copy = (ParameterDomain<double>?[])given.Clone();
        copy[index] = domain;
        return new DomainTable(copy);
    }

    public bool Equals(DomainTable? other) =>
        other is not null && Enumerable.Range(0, given.Length).All(i => this[i] switch
        {
            ParameterDomain<double>.Values a => other[i] is ParameterDomain<double>.Values b && a.Items.SequenceEqual(b.Items),
            var a => a.Equals(other[i]),
        });

    public override bool Equals(object? obj) => Equals(obj as DomainTable);

    public override int GetHashCode() => given.Length;
}

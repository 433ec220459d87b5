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

    private static readonly TrialConfig Defaults = new();

    public ParameterDomain<double> MaskRatio { get; init; } = ParameterDomain.Fixed(Defaults.MaskRatio);
    public ParameterDomain<int> PatchSize { get; init; } = ParameterDomain.Fixed(Defaults.PatchSize);
    public ParameterDomain<int> EmbedDim { get; init; } = ParameterDomain.Fixed(Defaults.EmbedDim);
    public ParameterDomain<int> Depth { get; init; } = ParameterDomain.Fixed(Defaults.Depth);
    public ParameterDomain<int> Heads { get; init; } = ParameterDomain.Fixed(Defaults.Heads);
    public ParameterDomain<int> DecoderDim { get; init; } = ParameterDomain.Fixed(Defaults.DecoderDim);
    public ParameterDomain<int> DecoderDepth { get; init; } = ParameterDomain.Fixed(Defaults.DecoderDepth);
    public ParameterDomain<int> DecoderHeads { get; init; } = ParameterDomain.Fixed(Defaults.DecoderHeads);
    public ParameterDomain<double> MlpRatio { get; init; } = ParameterDomain.Fixed(Defaults.MlpRatio);
    public ParameterDomain<double> LearningRate { get; init; } = ParameterDomain.Fixed(Defaults.LearningRate);
    public ParameterDomain<double> WeightDecay { get; init; } = ParameterDomain.Fixed(Defaults.WeightDecay);
    public ParameterDomain<int> BatchSize { get; init; } = ParameterDomain.Fixed(Defaults.BatchSize);
    public ParameterDomain<int> WarmupEpochs { get; init; } = ParameterDomain.Fixed(Defaults.WarmupEpochs);
    public ParameterDomain<bool> NormPixelLoss { get; init; } = ParameterDomain.Fixed(Defaults.NormPixelLoss);

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
    /// product in hyperparameter order (mask_ratio, patch_size, embed_dim, depth, heads, decoder_dim,
    /// decoder_depth, decoder_heads, mlp_ratio, learning_rate, weight_decay, batch_size, warmup_epochs,
    /// norm_pixel_loss), the LAST varying fastest and each list in the order written. Random search draws
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

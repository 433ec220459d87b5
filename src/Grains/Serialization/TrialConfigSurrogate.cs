using System.Globalization;
using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Serialization;

// The spec records stay free of Orleans attributes (they are plain data for the console and the scheduler);
// these surrogates carry them across grain calls and into grain state. Ids are fixed forever: add, never renumber.

/// <summary>A trial's hyperparameters as grain state holds them: the fields of the first fourteen, as they have
/// always been written, and every hyperparameter declared since by its spec key and spec text in
/// <see cref="Others"/>, so a new declaration needs no new field here.</summary>
[GenerateSerializer, Alias("lenssweep.TrialConfig")]
public struct TrialConfigSurrogate
{
    [Id(0)] public double MaskRatio;
    [Id(1)] public int PatchSize;
    [Id(2)] public int EmbedDim;
    [Id(3)] public int Depth;
    [Id(4)] public int Heads;
    [Id(5)] public int DecoderDim;
    [Id(6)] public int DecoderDepth;
    [Id(7)] public int DecoderHeads;
    [Id(8)] public double MlpRatio;

    /// <summary>Written as <c>loss == mse_norm_pix</c>; read only when <see cref="Others"/> has no <c>loss</c>
    /// (state from before the loss was a choice, when false meant plain MSE).</summary>
    [Id(9)] public bool NormPixelLoss;
    [Id(10)] public double LearningRate;
    [Id(11)] public double WeightDecay;
    [Id(12)] public int BatchSize;
    [Id(13)] public int WarmupEpochs;

    /// <summary>The hyperparameters without a field above, by spec key, as a spec writes their values
    /// (<c>"masking": "block"</c>); a key missing here (older state) takes its declaration's default.</summary>
    [Id(14)] public Dictionary<string, string>? Others;
}

[RegisterConverter]
public sealed class TrialConfigSurrogateConverter : IConverter<TrialConfig, TrialConfigSurrogate>
{
    /// <summary>The hyperparameters that have their own field in the surrogate.</summary>
    private static readonly HashSet<Hyperparameter> Fielded =
    [
        Hyperparameters.MaskRatio, Hyperparameters.PatchSize, Hyperparameters.EmbedDim, Hyperparameters.Depth, Hyperparameters.Heads,
        Hyperparameters.DecoderDim, Hyperparameters.DecoderDepth, Hyperparameters.DecoderHeads, Hyperparameters.MlpRatio,
        Hyperparameters.LearningRate, Hyperparameters.WeightDecay, Hyperparameters.BatchSize, Hyperparameters.WarmupEpochs,
    ];

    private static readonly double NormPixIndex = Hyperparameters.Loss.ParseValue("mse_norm_pix")!.Value;
    private static readonly double MseIndex = Hyperparameters.Loss.ParseValue("mse")!.Value;

    public TrialConfig ConvertFromSurrogate(in TrialConfigSurrogate s)
    {
        var config = new TrialConfig
        {
            MaskRatio = s.MaskRatio,
            PatchSize = s.PatchSize,
            EmbedDim = s.EmbedDim,
            Depth = s.Depth,
            Heads = s.Heads,
            DecoderDim = s.DecoderDim,
            DecoderDepth = s.DecoderDepth,
            DecoderHeads = s.DecoderHeads,
            MlpRatio = s.MlpRatio,
            LearningRate = s.LearningRate,
            WeightDecay = s.WeightDecay,
            BatchSize = s.BatchSize,
            WarmupEpochs = s.WarmupEpochs,
        }.With(Hyperparameters.Loss, s.NormPixelLoss ? NormPixIndex : MseIndex);
        foreach (var (key, text) in s.Others ?? [])
        {
            if (Hyperparameters.Find(key) is { } parameter && parameter.ParseValue(text) is { } value)
            {
                config = config.With(parameter, value);
            }
        }

        return config;
    }

    public TrialConfigSurrogate ConvertToSurrogate(in TrialConfig c)
    {
        var config = c;
        return new()
        {
            MaskRatio = c.MaskRatio,
            PatchSize = c.PatchSize,
            EmbedDim = c.EmbedDim,
            Depth = c.Depth,
            Heads = c.Heads,
            DecoderDim = c.DecoderDim,
            DecoderDepth = c.DecoderDepth,
            DecoderHeads = c.DecoderHeads,
            MlpRatio = c.MlpRatio,
            NormPixelLoss = c[Hyperparameters.Loss] == NormPixIndex,
            LearningRate = c.LearningRate,
            WeightDecay = c.WeightDecay,
            BatchSize = c.BatchSize,
            WarmupEpochs = c.WarmupEpochs,
            Others = Hyperparameters.All.Where(p => !Fielded.Contains(p))
                .ToDictionary(p => p.Name, p => Text(p, config), StringComparer.Ordinal),
        };
    }

    /// <summary>A real in round-trip form (a spec's text would do, but "R" is the contract here); names and integers as written.</summary>
    private static string Text(Hyperparameter parameter, TrialConfig config) => parameter.Type == HyperparameterType.Real
        ? config[parameter].ToString("R", CultureInfo.InvariantCulture)
        : parameter.Format(config);
}

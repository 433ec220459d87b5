using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Serialization;

// The spec records stay free of Orleans attributes (they are plain data for the console and the scheduler);
// these surrogates carry them across grain calls and into grain state. Ids are fixed forever: add, never renumber.

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
    [Id(9)] public bool NormPixelLoss;
    [Id(10)] public double LearningRate;
    [Id(11)] public double WeightDecay;
    [Id(12)] public int BatchSize;
    [Id(13)] public int WarmupEpochs;
}

[RegisterConverter]
public sealed class TrialConfigSurrogateConverter : IConverter<TrialConfig, TrialConfigSurrogate>
{
    public TrialConfig ConvertFromSurrogate(in TrialConfigSurrogate s) => new()
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
        NormPixelLoss = s.NormPixelLoss,
        LearningRate = s.LearningRate,
        WeightDecay = s.WeightDecay,
        BatchSize = s.BatchSize,
        WarmupEpochs = s.WarmupEpochs,
    };

    public TrialConfigSurrogate ConvertToSurrogate(in TrialConfig c) => new()
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
        NormPixelLoss = c.NormPixelLoss,
        LearningRate = c.LearningRate,
        WeightDecay = c.WeightDecay,
        BatchSize = c.BatchSize,
        WarmupEpochs = c.WarmupEpochs,
    };
}

using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Serialization;

[GenerateSerializer, Alias("lenssweep.SchedulerOptions")]
public struct SchedulerOptionsSurrogate
{
    [Id(0)] public int Kind;
    [Id(1)] public int MinEpochs;
    [Id(2)] public int MaxEpochs;
    [Id(3)] public int Eta;
    [Id(4)] public string Metric;
    [Id(5)] public int Mode;
}

[RegisterConverter]
public sealed class SchedulerOptionsSurrogateConverter : IConverter<SchedulerOptions, SchedulerOptionsSurrogate>
{
    public SchedulerOptions ConvertFromSurrogate(in SchedulerOptionsSurrogate s) => new()
    {
        Kind = (SchedulerKind)s.Kind,
        MinEpochs = s.MinEpochs,
        MaxEpochs = s.MaxEpochs,
        Eta = s.Eta,
        Metric = s.Metric,
        Mode = (MetricMode)s.Mode,
    };

    public SchedulerOptionsSurrogate ConvertToSurrogate(in SchedulerOptions o) => new()
    {
        Kind = (int)o.Kind,
        MinEpochs = o.MinEpochs,
        MaxEpochs = o.MaxEpochs,
        Eta = o.Eta,
        Metric = o.Metric,
        Mode = (int)o.Mode,
    };
}

[GenerateSerializer, Alias("lenssweep.ProbeSettings")]
public struct ProbeSettingsSurrogate
{
    [Id(0)] public int Epochs;
    [Id(1)] public double L2;
    [Id(2)] public double LearningRate;
    [Id(3)] public int BatchSize;
    [Id(4)] public bool Regression;
    [Id(5)] public bool Reconstruction;
    [Id(6)] public int BootstrapResamples;
    [Id(7)] public int RegionGrid;

    /// <summary>The probe's pooling (0, state written before it: mean patch tokens, then the only one).</summary>
    [Id(8)] public int Pooling;

    /// <summary>Last blocks averaged; 0 in state written before it, read as 1 (the last block, then the only choice).</summary>
    [Id(9)] public int Layers;

    /// <summary>Probe train images; 0 = the whole train split (also what state written before it holds).</summary>
    [Id(10)] public int TrainImages;
}

[RegisterConverter]
public sealed class ProbeSettingsSurrogateConverter : IConverter<ProbeSettings, ProbeSettingsSurrogate>
{
    public ProbeSettings ConvertFromSurrogate(in ProbeSettingsSurrogate s) => new()
    {
        Epochs = s.Epochs,
        L2 = s.L2,
        LearningRate = s.LearningRate,
        BatchSize = s.BatchSize,
        Regression = s.Regression,
        Reconstruction = s.Reconstruction,
        BootstrapResamples = s.BootstrapResamples,
        RegionGrid = s.RegionGrid,
        Pooling = (LensSweep.Models.Mae.FeaturePooling)s.Pooling,
        Layers = s.Layers == 0 ? 1 : s.Layers,
        TrainImages = s.TrainImages == 0 ? null : s.TrainImages,
    };

    public ProbeSettingsSurrogate ConvertToSurrogate(in ProbeSettings p) => new()
    {
        Epochs = p.Epochs,
        L2 = p.L2,
        LearningRate = p.LearningRate,
        BatchSize = p.BatchSize,
        Regression = p.Regression,
        Reconstruction = p.Reconstruction,
        BootstrapResamples = p.BootstrapResamples,
        RegionGrid = p.RegionGrid,
        Pooling = (int)p.Pooling,
        Layers = p.Layers,
        TrainImages = p.TrainImages ?? 0,
    };
}

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
    };
}

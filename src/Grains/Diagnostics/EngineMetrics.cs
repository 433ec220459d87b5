using System.Diagnostics.Metrics;

namespace LensSweep.Grains.Diagnostics;

/// <summary>The engine's meter (<see cref="MeterName"/>): what dashboards and benchmarks listen to.</summary>
public static class EngineMetrics
{
    public const string MeterName = "LensSweep.Engine";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Milliseconds from a rung report reaching the sweep to the decisions it allowed being
    /// persisted and accepted by their trials.</summary>
    public static readonly Histogram<double> DecisionLatency =
        Meter.CreateHistogram<double>("lenssweep.sweep.decision.duration", unit: "ms", description: "Report received to next decisions persisted and dispatched");

    /// <summary>Reports applied per sweep batch (one state write each).</summary>
    public static readonly Histogram<int> BatchSize =
        Meter.CreateHistogram<int>("lenssweep.sweep.batch.size", unit: "{report}", description: "Rung reports applied per persisted batch");

    /// <summary>Trainer calls completed on device slots.</summary>
    public static readonly Counter<long> TrainerCalls =
        Meter.CreateCounter<long>("lenssweep.device.trainer.calls", unit: "{call}", description: "Trainer calls completed on device slots");
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LensSweep.Grains.Diagnostics;

/// <summary>
/// The engine's meter (<see cref="MeterName"/>): what dashboards, autoscalers and benchmarks listen to. Series
/// carry the study and the device slot; the silo is added by the exporter (one silo per process), so these
/// instruments never need to know which silo they run on.
/// </summary>
public static class EngineMetrics
{
    public const string MeterName = "LensSweep.Engine";

    /// <summary>Tag names, written once for every instrument and every query that reads them.</summary>
    public const string StudyTag = "study";
    public const string SlotTag = "slot";
    public const string ReasonTag = "reason";

    // Seconds from a tiny CPU test epoch to a long GPU rung; the SDK's default buckets are milliseconds.
    private static readonly double[] SecondsBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
    private static readonly double[] ThroughputBuckets = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000];
    private static readonly long[] BytesBuckets = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 50_000_000, 100_000_000, 500_000_000, 1_000_000_000, 5_000_000_000];

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Milliseconds from a rung report reaching the sweep to the decisions it allowed being
    /// persisted and accepted by their trials.</summary>
    public static readonly Histogram<double> DecisionLatency =
        Meter.CreateHistogram<double>("lenssweep.sweep.decision.duration", unit: "ms", description: "Report received to next decisions persisted and dispatched");

    /// <summary>Reports applied per sweep batch (one state write each).</summary>
    public static readonly Histogram<int> BatchSize =
        Meter.CreateHistogram<int>("lenssweep.sweep.batch.size", unit: "{report}", description: "Rung reports applied per persisted batch");

    /// <summary>A batch's decisions are persisted and dispatched: each report's latency from when it arrived
    /// (<see cref="System.Diagnostics.Stopwatch"/> timestamps), and the batch size when it applied any.</summary>
    public static void RecordDecisions(IEnumerable<long> receivedAt)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var count = 0;
        foreach (var at in receivedAt)
        {
            DecisionLatency.Record(System.Diagnostics.Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
            count++;
        }

        if (count > 0)
        {
            BatchSize.Record(count);
        }
    }

    /// <summary>Trainer calls completed on device slots.</summary>
    public static readonly Counter<long> TrainerCalls =
        Meter.CreateCounter<long>("lenssweep.device.trainer.calls", unit: "{call}", description: "Trainer calls completed on device slots");

    /// <summary>Wall-clock seconds of one whole training epoch (its optimiser steps, batches filled included).</summary>
    public static readonly Histogram<double> EpochDuration =
        Meter.CreateHistogram("lenssweep.epoch.duration", unit: "s", description: "Seconds one training epoch took on its device slot",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Training images per second over one whole epoch.</summary>
    public static readonly Histogram<double> EpochThroughput =
        Meter.CreateHistogram("lenssweep.epoch.images_per_second", unit: "{image}/s", description: "Training images per second over one epoch",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ThroughputBuckets });

    /// <summary>Seconds from a trial starting a rung on its slot to the rung's report (scoring included).</summary>
    public static readonly Histogram<double> RungDuration =
        Meter.CreateHistogram("lenssweep.rung.duration", unit: "s", description: "Seconds from a trial starting a rung on its slot to its report",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Bytes of each checkpoint written to the artifact store.</summary>
    public static readonly Histogram<long> CheckpointSize =
        Meter.CreateHistogram("lenssweep.checkpoint.size", unit: "By", description: "Bytes of each checkpoint written to the artifact store",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = BytesBuckets });

    /// <summary>Seconds each checkpoint write to the artifact store took.</summary>
    public static readonly Histogram<double> CheckpointDuration =
        Meter.CreateHistogram("lenssweep.checkpoint.duration", unit: "s", description: "Seconds each checkpoint write to the artifact store took",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Trials that failed, by the exception type that failed them.</summary>
    public static readonly Counter<long> TrialFailures =
        Meter.CreateCounter<long>("lenssweep.trials.failed", unit: "{trial}", description: "Trials that failed, by reason (the exception type)");

    public static TagList Tags(string study, string slot) => new() { { StudyTag, study }, { SlotTag, slot } };

    public static void RecordEpoch(string study, string slot, EpochPace.Sample epoch)
    {
        var tags = Tags(study, slot);
        EpochDuration.Record(epoch.Seconds, tags);
        EpochThroughput.Record(epoch.ImagesPerSecond, tags);
    }

    public static void RecordCheckpoint(string study, string slot, long bytes, TimeSpan took)
    {
        var tags = Tags(study, slot);
        CheckpointSize.Record(bytes, tags);
        CheckpointDuration.Record(took.TotalSeconds, tags);
    }

    /// <summary>The reason is the exception's type name: a few values, unlike messages, which would make a series per trial.</summary>
    public static void RecordFailure(string study, string slot, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var tags = Tags(study, slot);
        tags.Add(ReasonTag, error.GetType().Name);
        TrialFailures.Add(1, tags);
    }
}

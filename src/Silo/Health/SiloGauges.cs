using System.Diagnostics.Metrics;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Diagnostics;
using LensSweep.Grains.Trials;

namespace LensSweep.Silo.Health;

/// <summary>
/// The silo's gauges (meter <see cref="MeterName"/>): trials training on its slots by study and slot, its slots
/// busy and total, and each running study's waiting trials capped by what it may still run. The waiting count
/// needs grain calls, which a gauge callback cannot make: <see cref="RefreshAsync"/> reads it before each scrape
/// and the callback reports what was read.
/// </summary>
public sealed class SiloGauges
{
    public const string MeterName = "LensSweep.Silo";

    private readonly DeviceWorkerPool _workers;
    private readonly StudyDemandReader _demand;
    private IReadOnlyList<StudyDemand> _waiting = [];

    public SiloGauges(IMeterFactory meters, DeviceWorkerPool workers, StudyDemandReader demand)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _workers = workers;
        _demand = demand;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("lenssweep.trials.running", Running, unit: "{trial}", description: "Trials training on this silo's device slots, by study and slot");
        meter.CreateObservableGauge("lenssweep.trials.waiting", Waiting, unit: "{trial}",
            description: "Trials of a running study waiting for a slot it may still take: min(waiting, max_concurrent_trials - slots held), cluster-wide (the same on every silo)");
        meter.CreateObservableGauge("lenssweep.slots.busy", () => _workers.Busy.Count, unit: "{slot}", description: "Device slots of this silo held by a trial");
        meter.CreateObservableGauge("lenssweep.slots.total", () => _workers.Slots.Count, unit: "{slot}", description: "Device slots this silo offers");
    }

    /// <summary>Reads the studies' demand for the next collection.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken) =>
        Volatile.Write(ref _waiting, await _demand.ReadAsync(cancellationToken));

    private IEnumerable<Measurement<int>> Running() =>
        _workers.Busy.Select(b => new Measurement<int>(1, EngineMetrics.Tags(TrialKeys.Parse(b.Value).StudyId, b.Key)));

    private IEnumerable<Measurement<int>> Waiting() =>
        Volatile.Read(ref _waiting).Select(d => new Measurement<int>(d.Waiting, new KeyValuePair<string, object?>(EngineMetrics.StudyTag, d.StudyId)));
}

using Orleans.Runtime;

namespace LensSweep.Grains.Devices;

[GenerateSerializer, Alias("lenssweep.DeviceLedgerState")]
public sealed class DeviceLedgerState
{
    [Id(0)] public List<SlotLease> Leases { get; set; } = [];

    [Id(1)] public long LastLeaseId { get; set; }

    /// <summary>Silos that are draining: still members, but none of their slots is leased again.</summary>
    [Id(2)] public List<SiloAddress> Retiring { get; set; } = [];
}

namespace LensSweep.Grains.Devices;

[GenerateSerializer, Alias("lenssweep.DeviceLedgerState")]
public sealed class DeviceLedgerState
{
    [Id(0)] public List<SlotLease> Leases { get; set; } = [];

    [Id(1)] public long LastLeaseId { get; set; }
}

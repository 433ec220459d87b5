using Orleans.Runtime;

namespace LensSweep.Grains.Devices;

/// <summary>One device slot of the cluster: a device name (<c>cuda:0</c>, <c>cpu:1</c>) on one silo.
/// A trial trains only while it holds one, on the silo that owns it.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.DeviceSlot")]
public sealed record DeviceSlot([property: Id(0)] SiloAddress Silo, [property: Id(1)] string Device)
{
    public override string ToString() => $"{Device}@{Silo}";
}

/// <summary>A slot leased to a study (the owner) by the device ledger.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.SlotLease")]
public sealed record SlotLease([property: Id(0)] long Id, [property: Id(1)] string Owner, [property: Id(2)] DeviceSlot Slot);

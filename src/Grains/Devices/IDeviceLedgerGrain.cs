using Orleans.Runtime;

namespace LensSweep.Grains.Devices;

/// <summary>
/// The cluster's single source of truth for device slots (key <see cref="DeviceLedger.Key"/>). Slots come
/// from the metadata of Active silos; a lease gives one slot to one owner (a study), which runs at most one
/// trial on it at a time. Leases on silos that are no longer Active are dropped before every answer, and
/// the ledger persists its leases.
/// </summary>
[Alias("lenssweep.IDeviceLedgerGrain")]
public interface IDeviceLedgerGrain : IGrainWithStringKey
{
    /// <summary>Leases up to <paramref name="count"/> free slots to <paramref name="owner"/>, spread over the
    /// silos with the most free slots; fewer (or none) when the cluster is busy.</summary>
    [Alias("Acquire")]
    Task<IReadOnlyList<SlotLease>> AcquireAsync(string owner, int count);

    /// <summary>Gives leases back; ids the owner does not hold are ignored.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string owner, IReadOnlyList<long> leaseIds);

    /// <summary>Gives back every lease of the owner.</summary>
    [Alias("ReleaseAll")]
    Task ReleaseAllAsync(string owner);

    /// <summary>The owner's live leases (those on dead silos already dropped).</summary>
    [Alias("GetLeases")]
    Task<IReadOnlyList<SlotLease>> GetLeasesAsync(string owner);

    /// <summary>
    /// A draining silo takes its slots out of service: from now on none of its slots is leased (however long it
    /// stays Active), and every lease on its slots except those on <paramref name="keepDevices"/> (slots whose
    /// trials are still storing where they stopped) is dropped. Returns the owners of the dropped leases, which
    /// must re-check their trials. Repeat it as slots free up; <c>keepDevices = []</c> drops the rest.
    /// </summary>
    [Alias("RetireSlots")]
    Task<IReadOnlyList<string>> RetireSlotsAsync(SiloAddress silo, IReadOnlyCollection<string> keepDevices);

    /// <summary>Every slot of the Active silos and every live lease.</summary>
    [Alias("GetView")]
    Task<DeviceLedgerView> GetViewAsync();
}

/// <summary>The cluster's slots and who holds them.</summary>
[GenerateSerializer, Immutable, Alias("lenssweep.DeviceLedgerView")]
public sealed record DeviceLedgerView(
    [property: Id(0)] IReadOnlyList<DeviceSlot> Slots,
    [property: Id(1)] IReadOnlyList<SlotLease> Leases)
{
    public int FreeSlots => Slots.Count - Leases.Count;
}

public static class DeviceLedger
{
    /// <summary>The one ledger of a cluster.</summary>
    public const string Key = "cluster";

    public static IDeviceLedgerGrain Get(IGrainFactory grains) => grains.GetGrain<IDeviceLedgerGrain>(Key);
}

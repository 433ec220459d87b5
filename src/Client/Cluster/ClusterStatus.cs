namespace LensSweep.Client.Cluster;

/// <summary>What <c>cluster status</c> shows: every silo, its device slots, and which trial holds each.</summary>
public sealed record ClusterStatus(IReadOnlyList<SiloSlots> Silos)
{
    public int SlotsTotal => Silos.Sum(s => s.Slots.Count);

    public int SlotsBusy => Silos.Sum(s => s.Slots.Count(slot => slot.TrialId is not null));
}

/// <param name="Silo">The silo's address (or name) as the cluster knows it.</param>
/// <param name="Status">Membership status, e.g. <c>active</c>.</param>
public sealed record SiloSlots(string Silo, string Status, IReadOnlyList<DeviceSlotLease> Slots);

/// <param name="Slot">Device slot name, e.g. <c>cuda:0</c> or <c>cpu:1</c>.</param>
/// <param name="TrialId">The trial holding the slot; null when free.</param>
public sealed record DeviceSlotLease(string Slot, string? TrialId);

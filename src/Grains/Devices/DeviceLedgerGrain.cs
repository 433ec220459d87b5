using LensSweep.Grains.Hosting;
using LensSweep.Grains.Sweeps;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace LensSweep.Grains.Devices;

/// <inheritdoc cref="IDeviceLedgerGrain"/>
public sealed partial class DeviceLedgerGrain(
    [PersistentState("ledger", EngineStorage.GrainStorageName)] IPersistentState<DeviceLedgerState> state,
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    ILogger<DeviceLedgerGrain> logger) : Grain, IDeviceLedgerGrain
{
    public async Task<IReadOnlyList<SlotLease>> AcquireAsync(string owner, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var changed = DropLeasesOfInactiveSilos();
        var retiring = state.State.Retiring.ToHashSet();
        var slots = ActiveSlots().Where(s => !retiring.Contains(s.Silo)).ToList();
        var leased = state.State.Leases.Select(l => l.Slot).ToHashSet();

        // Round-robin over silos, most free slots first, so a study's trials spread over the machines.
        var free = slots.Where(s => !leased.Contains(s))
            .GroupBy(s => s.Silo)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.ToParsableString(), StringComparer.Ordinal)
            .Select(g => new Queue<DeviceSlot>(g))
            .ToList();
        var granted = new List<SlotLease>();
        while (granted.Count < count && free.Any(q => q.Count > 0))
        {
            foreach (var queue in free)
            {
                if (granted.Count < count && queue.TryDequeue(out var slot))
                {
                    granted.Add(new SlotLease(++state.State.LastLeaseId, owner, slot));
                }
            }
        }

        state.State.Leases.AddRange(granted);
        if (changed || granted.Count > 0)
        {
            await state.WriteStateAsync();
        }

        return granted;
    }

    public async Task ReleaseAsync(string owner, IReadOnlyList<long> leaseIds)
    {
        ArgumentNullException.ThrowIfNull(leaseIds);
        var ids = leaseIds.ToHashSet();
        var removed = state.State.Leases.RemoveAll(l => l.Owner == owner && ids.Contains(l.Id));
        if ((DropLeasesOfInactiveSilos() || removed > 0))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task ReleaseAllAsync(string owner)
    {
        var removed = state.State.Leases.RemoveAll(l => l.Owner == owner);
        if (DropLeasesOfInactiveSilos() || removed > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<IReadOnlyList<string>> RetireSlotsAsync(SiloAddress silo, IReadOnlyCollection<string> keepDevices)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(keepDevices);
        var changed = DropLeasesOfInactiveSilos();
        if (!state.State.Retiring.Contains(silo))
        {
            state.State.Retiring.Add(silo);
            LogRetiring(logger, silo);
            changed = true;
        }

        var keep = keepDevices.ToHashSet(StringComparer.Ordinal);
        var dropped = state.State.Leases.Where(l => l.Slot.Silo.Equals(silo) && !keep.Contains(l.Slot.Device)).ToList();
        if (dropped.Count > 0)
        {
            state.State.Leases.RemoveAll(dropped.Contains);
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        return dropped.Select(l => l.Owner).Distinct(StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<SlotLease>> GetLeasesAsync(string owner)
    {
        if (DropLeasesOfInactiveSilos())
        {
            await state.WriteStateAsync();
        }

        return state.State.Leases.Where(l => l.Owner == owner).ToList();
    }

    public async Task<DeviceLedgerView> GetViewAsync()
    {
        if (DropLeasesOfInactiveSilos())
        {
            await state.WriteStateAsync();
        }

        return new DeviceLedgerView(ActiveSlots(), state.State.Leases.ToList());
    }

    private List<DeviceSlot> ActiveSlots() =>
        ActiveSilos()
            .SelectMany(silo => DeviceSlotNames.Parse(metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(DeviceSlotNames.MetadataKey))
                .Select(device => new DeviceSlot(silo, device)))
            .ToList();

    private IEnumerable<SiloAddress> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .OrderBy(s => s.ToParsableString(), StringComparer.Ordinal);

    /// <summary>Only liveness drops a lease: a silo whose metadata this silo has not fetched yet still owns its slots.
    /// A retiring silo that has left the membership is forgotten (a restarted silo has a new address).</summary>
    private bool DropLeasesOfInactiveSilos()
    {
        var active = ActiveSilos().ToHashSet();
        var members = membership.CurrentSnapshot.Members;
        var forgotten = state.State.Retiring.RemoveAll(s => !members.TryGetValue(s, out var m) || m.Status == SiloStatus.Dead) > 0;
        var dropped = state.State.Leases.Where(l => !active.Contains(l.Slot.Silo)).ToList();
        foreach (var lease in dropped)
        {
            LogLeaseDropped(logger, lease.Slot.ToString(), lease.Owner);
        }

        foreach (var owner in dropped.Select(l => l.Owner).Distinct(StringComparer.Ordinal))
        {
            _ = TellOwnerAsync(owner);
        }

        return state.State.Leases.RemoveAll(l => !active.Contains(l.Slot.Silo)) > 0 || forgotten;
    }

    /// <summary>An owner is a study: it re-checks its trials now, so those of a dead silo are re-placed within
    /// failure detection rather than at its next reconcile. Best effort: that reconcile still finds them.</summary>
    private async Task TellOwnerAsync(string owner)
    {
        try
        {
            await GrainFactory.GetGrain<ISweepGrain>(owner).RequestReconcileAsync("a silo holding its slots is no longer active");
        }
        catch (Exception e)
        {
            LogOwnerNotTold(logger, owner, e.Message);
        }
    }

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Could not tell {Owner} it lost slots ({Reason}); its reconcile pass will find out")]
    private static partial void LogOwnerNotTold(ILogger logger, string owner, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Silo {Silo} is draining: its slots are leased no more")]
    private static partial void LogRetiring(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Dropped the lease of slot {Slot} held by {Owner}: its silo is no longer active")]
    private static partial void LogLeaseDropped(ILogger logger, string slot, string owner);
}

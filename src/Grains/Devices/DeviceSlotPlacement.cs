using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace LensSweep.Grains.Devices;

/// <summary>
/// Places a trial on the silo that owns the slot its study leased for it. The study passes that silo as
/// the placement hint; without one (a status query on an idle trial) the trial lands on the calling silo
/// when it owns slots, otherwise on a slot-owning silo picked by the trial's id, and moves to its slot's
/// silo when it is next given work.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("lenssweep.DeviceSlotPlacement")]
public sealed class DeviceSlotPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class DeviceSlotPlacementAttribute() : PlacementAttribute(new DeviceSlotPlacement());

/// <summary>The director for <see cref="DeviceSlotPlacement"/>: synchronous and stateless, so safe as the
/// keyed singleton Orleans makes it. Candidates have already been through <see cref="RequireDeviceSlotsFilterDirector"/>.</summary>
public sealed class DeviceSlotPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No active silo advertises device slots ('{DeviceSlotNames.MetadataKey}' silo metadata), so {target.GrainIdentity} cannot be placed.");
        }

        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return Task.FromResult(hint);
        }

        if (context.LocalSiloStatus == SiloStatus.Active && silos.Contains(context.LocalSilo))
        {
            return Task.FromResult(context.LocalSilo);
        }

        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        return Task.FromResult(ordered[(int)(target.GrainIdentity.GetUniformHashCode() % (uint)ordered.Length)]);
    }
}

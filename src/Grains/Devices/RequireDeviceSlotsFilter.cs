using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace LensSweep.Grains.Devices;

/// <summary>Only silos that advertise device slots may host the grain (a slotless silo never hosts a trial).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequireDeviceSlotsAttribute() : PlacementFilterAttribute(new RequireDeviceSlotsFilterStrategy());

/// <summary>The filter strategy behind <see cref="RequireDeviceSlotsAttribute"/>; it carries no settings.</summary>
public sealed class RequireDeviceSlotsFilterStrategy() : PlacementFilterStrategy(order: 0);

/// <summary>Keeps the silos whose metadata lists at least one device slot.</summary>
public sealed class RequireDeviceSlotsFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos) =>
        silos.Where(silo => !string.IsNullOrWhiteSpace(metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(DeviceSlotNames.MetadataKey)));
}

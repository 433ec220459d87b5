using System.Collections.Immutable;
using LensSweep.Grains.Devices;

namespace LensSweep.Silo.Devices;

/// <summary>
/// The device slots this silo offers ("cuda:0", "cuda:1", … or "cpu:0", …); empty for a coordinator-only silo.
/// Advertised to the cluster as silo metadata under <see cref="MetadataKey"/>, comma-separated. The slot grammar
/// (names, parsing an operator's setting, the cuda index) lives in <see cref="DeviceSlotNames"/>.
/// </summary>
public sealed record DeviceSlots
{
    /// <summary>Silo metadata key the grains read to learn a silo's slots.</summary>
    public const string MetadataKey = DeviceSlotNames.MetadataKey;

    private DeviceSlots(ImmutableArray<string> slots) => Slots = slots;

    public ImmutableArray<string> Slots { get; }

    public int Count => Slots.Length;

    /// <summary>The CUDA device index of each cuda slot.</summary>
    public IReadOnlyList<int> CudaDevices => [.. Slots.Select(DeviceSlotNames.CudaIndex).OfType<int>()];

    public static DeviceSlots None { get; } = new(ImmutableArray<string>.Empty);

    /// <summary>The metadata value: slots joined by commas, empty when there are none.</summary>
    public string ToMetadataValue() => string.Join(',', Slots);

    public override string ToString() => Count == 0 ? "none" : ToMetadataValue();

    public bool Equals(DeviceSlots? other) => other is not null && Slots.SequenceEqual(other.Slots);

    public override int GetHashCode() => Slots.Aggregate(0, (hash, slot) => HashCode.Combine(hash, slot));

    /// <summary>Slots cuda:0 … cuda:(count-1).</summary>
    public static DeviceSlots Cuda(int count) => new([.. DeviceSlotNames.Cuda(count)]);

    /// <summary>Slots cpu:0 … cpu:(count-1).</summary>
    public static DeviceSlots Cpu(int count) => new([.. DeviceSlotNames.Cpu(count)]);

    /// <summary>Parses "none" or a comma-separated list such as "cuda:0,cuda:1"; null and a reason when the text is not valid.</summary>
    public static DeviceSlots? TryParse(string? text, out string? problem) =>
        DeviceSlotNames.TryParseSetting(text, out problem) is { } slots ? new DeviceSlots([.. slots]) : null;

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> with the reason.</summary>
    public static DeviceSlots Parse(string text) =>
        TryParse(text, out var problem) ?? throw new FormatException($"device slots '{text}' {problem}");
}

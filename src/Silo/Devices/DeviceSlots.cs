using System.Collections.Immutable;
using System.Globalization;

namespace LensSweep.Silo.Devices;

/// <summary>
/// The device slots this silo offers ("cuda:0", "cuda:1", … or "cpu:0", …); empty for a coordinator-only silo.
/// Advertised to the cluster as silo metadata under <see cref="MetadataKey"/>, comma-separated.
/// </summary>
public sealed record DeviceSlots
{
    /// <summary>Silo metadata key the grains read to learn a silo's slots.</summary>
    public const string MetadataKey = "lenssweep.slots";

    private DeviceSlots(ImmutableArray<string> slots) => Slots = slots;

    public ImmutableArray<string> Slots { get; }

    public int Count => Slots.Length;

    /// <summary>The CUDA device index of each cuda slot (the slots are normalised by <see cref="TryParse"/>).</summary>
    public IReadOnlyList<int> CudaDevices =>
        [.. Slots.Where(s => s.StartsWith(CudaPrefix, StringComparison.Ordinal)).Select(s => int.Parse(s.AsSpan(CudaPrefix.Length), CultureInfo.InvariantCulture))];

    private const string CudaPrefix = "cuda:";

    public static DeviceSlots None { get; } = new(ImmutableArray<string>.Empty);

    /// <summary>The metadata value: slots joined by commas, empty when there are none.</summary>
    public string ToMetadataValue() => string.Join(',', Slots);

    public override string ToString() => Count == 0 ? "none" : ToMetadataValue();

    public bool Equals(DeviceSlots? other) => other is not null && Slots.SequenceEqual(other.Slots);

    public override int GetHashCode() => Slots.Aggregate(0, (hash, slot) => HashCode.Combine(hash, slot));

    /// <summary>Slots cuda:0 … cuda:(count-1).</summary>
    public static DeviceSlots Cuda(int count) => FromKinds("cuda", count);

    /// <summary>Slots cpu:0 … cpu:(count-1).</summary>
    public static DeviceSlots Cpu(int count) => FromKinds("cpu", count);

    /// <summary>Parses "none" or a comma-separated list such as "cuda:0,cuda:1"; null and a reason when the text is not valid.</summary>
    public static DeviceSlots? TryParse(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is empty; use auto, none, or a list such as cuda:0,cuda:1 or cpu:0";
            return null;
        }
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
            return None;
        var slots = ImmutableArray.CreateBuilder<string>();
        foreach (var raw in text.Split(','))
        {
            var slot = raw.Trim().ToLowerInvariant();
            var colon = slot.IndexOf(':', StringComparison.Ordinal);
            var kind = colon < 0 ? slot : slot[..colon];
            if (kind is not ("cuda" or "cpu")
                || !int.TryParse(slot[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || colon < 0)
            {
                problem = $"has '{raw.Trim()}'; each slot is cuda:N or cpu:N with N a device index (0, 1, …)";
                return null;
            }
            var normal = $"{kind}:{index}";
            if (slots.Contains(normal))
            {
                problem = $"lists {normal} twice; a slot runs one trial at a time, so each appears once";
                return null;
            }
            slots.Add(normal);
        }
        return new DeviceSlots(slots.ToImmutable());
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> with the reason.</summary>
    public static DeviceSlots Parse(string text) =>
        TryParse(text, out var problem) ?? throw new FormatException($"device slots '{text}' {problem}");

    private static DeviceSlots FromKinds(string kind, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new DeviceSlots(Enumerable.Range(0, count).Select(i => $"{kind}:{i}").ToImmutableArray());
    }
}

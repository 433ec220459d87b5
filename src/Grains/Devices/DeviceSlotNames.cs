using System.Globalization;
using System.Text.RegularExpressions;

namespace LensSweep.Grains.Devices;

/// <summary>
/// How a silo advertises its device slots: silo metadata <see cref="MetadataKey"/> holds a comma-separated
/// list such as <c>cuda:0,cuda:1</c> or <c>cpu:0</c>. A silo without the key (or with an empty value) has
/// no slots and never hosts a trial.
/// </summary>
public static partial class DeviceSlotNames
{
    public const string MetadataKey = "lenssweep.slots";

    /// <summary><c>cpu:0 … cpu:{count-1}</c>: slots for a machine without GPUs.</summary>
    public static IReadOnlyList<string> Cpu(int count) =>
        count < 0 ? throw new ArgumentOutOfRangeException(nameof(count), count, "A silo cannot have a negative number of CPU slots.")
                  : Enumerable.Range(0, count).Select(i => $"{CpuKind}:{i}").ToArray();

    /// <summary><c>cuda:0 … cuda:{count-1}</c>: one slot per GPU.</summary>
    public static IReadOnlyList<string> Cuda(int count) =>
        count < 0 ? throw new ArgumentOutOfRangeException(nameof(count), count, "A silo cannot have a negative number of GPUs.")
                  : Enumerable.Range(0, count).Select(i => $"{CudaKind}:{i}").ToArray();

    /// <summary>The slots in a metadata value; an empty list for null or blank. Throws an
    /// <see cref="ArgumentException"/> naming the first malformed or repeated slot.</summary>
    public static IReadOnlyList<string> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var slots = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Validate(slots);
        return slots;
    }

    /// <summary>The metadata value for a list of slots.</summary>
    public static string Format(IEnumerable<string> slots)
    {
        var list = slots.ToArray();
        Validate(list);
        return string.Join(',', list);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first malformed or repeated slot.</summary>
    public static void Validate(IReadOnlyList<string> slots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slot in slots)
        {
            if (!SlotPattern().IsMatch(slot))
            {
                throw new ArgumentException($"Device slot '{slot}' is not valid: write a device kind and an index, such as 'cuda:0' or 'cpu:1'.", nameof(slots));
            }

            if (!seen.Add(slot))
            {
                throw new ArgumentException($"Device slot '{slot}' is listed twice; each slot may run one trial at a time.", nameof(slots));
            }
        }
    }

    /// <summary>
    /// The slots an operator configured (<c>none</c>, or a comma-separated list of <c>cuda:N</c> and <c>cpu:N</c>,
    /// any case and spacing), normalised (<c>CUDA:01</c> is <c>cuda:1</c>); null and the reason, worded to follow
    /// the setting's name, when the text is not valid.
    /// </summary>
    public static IReadOnlyList<string>? TryParseSetting(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is empty; use auto, none, or a list such as cuda:0,cuda:1 or cpu:0";
            return null;
        }

        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var slots = new List<string>();
        foreach (var raw in text.Split(','))
        {
            var slot = raw.Trim().ToLowerInvariant();
            var colon = slot.IndexOf(':', StringComparison.Ordinal);
            var kind = colon < 0 ? slot : slot[..colon];
            if (colon < 0 || kind is not (CudaKind or CpuKind)
                || !int.TryParse(slot[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
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

        return slots;
    }

    /// <summary>The CUDA device index of a <c>cuda:N</c> slot; null for any other slot.</summary>
    public static int? CudaIndex(string slot) =>
        slot.StartsWith(CudaKind + ":", StringComparison.Ordinal)
        && int.TryParse(slot.AsSpan(CudaKind.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    private const string CudaKind = "cuda";
    private const string CpuKind = "cpu";

    [GeneratedRegex("^[a-z][a-z0-9]*:[0-9]{1,4}$")]
    private static partial Regex SlotPattern();
}

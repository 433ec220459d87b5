namespace LensSweep.Models.Finetuning;

/// <summary>
/// The eight symmetries of a square image (the dihedral group D4): rotations by 0°, 90°, 180° and 270°
/// counter-clockwise, each with or without a left-right mirror first. A lens has no preferred orientation, so
/// these are the augmentation of fine-tuning and the set test-time augmentation averages over.
/// Transform t rotates by (t mod 4)·90° after mirroring when t ≥ 4; 0 is the identity.
/// </summary>
public static class Dihedral
{
    public const int Count = 8;

    /// <summary>Transform <paramref name="transform"/> of one C×side×side image, channel after channel.</summary>
    /// <exception cref="ArgumentException">The spans do not hold C·side² values, or the transform is not 0..7.</exception>
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, int channels, int side, int transform)
    {
        if ((uint)transform >= Count)
            throw new ArgumentOutOfRangeException(nameof(transform), transform, $"A dihedral transform is 0 to {Count - 1}.");
        var pixels = side * side;
        if (source.Length != channels * pixels || destination.Length != channels * pixels)
            throw new ArgumentException($"A {channels}×{side}×{side} image has {channels * pixels} values; got {source.Length} in and {destination.Length} out.", nameof(source));
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var (sy, sx) = SourceOf(y, x, side, transform);
                for (var c = 0; c < channels; c++)
                    destination[(c * pixels) + (y * side) + x] = source[(c * pixels) + (sy * side) + sx];
            }
        }
    }

    /// <summary>Every image of a batch (N·C·side² values) under its own transform.</summary>
    public static float[] ApplyEach(ReadOnlySpan<float> images, int channels, int side, IReadOnlyList<int> transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        var size = channels * side * side;
        if (images.Length != transforms.Count * size)
            throw new ArgumentException($"{transforms.Count} transforms for {images.Length / Math.Max(1, size)} images.", nameof(transforms));
        var result = new float[images.Length];
        for (var n = 0; n < transforms.Count; n++)
            Apply(images.Slice(n * size, size), result.AsSpan(n * size, size), channels, side, transforms[n]);
        return result;
    }

    /// <summary>The same transform for every image of a batch.</summary>
    public static float[] ApplyAll(ReadOnlySpan<float> images, int count, int channels, int side, int transform) =>
        ApplyEach(images, channels, side, Enumerable.Repeat(transform, count).ToArray());

    /// <summary>The pixel that lands at (<paramref name="y"/>, <paramref name="x"/>): undo the rotation, then the mirror.</summary>
    private static (int Y, int X) SourceOf(int y, int x, int side, int transform)
    {
        var last = side - 1;
        // A counter-clockwise quarter turn sends (y, x) to (last − x, y); undoing it sends (y, x) to (x, last − y).
        for (var k = 0; k < transform % 4; k++)
            (y, x) = (x, last - y);
        return transform >= 4 ? (y, last - x) : (y, x);
    }
}

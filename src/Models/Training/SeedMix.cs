namespace LensSweep.Models.Training;

/// <summary>
/// Derives independent, stable seeds from (seed, epoch, stream) with SplitMix64, so each epoch's shuffle
/// and each step's masking noise depend on nothing but those numbers: resuming at any step, even inside an
/// epoch, needs no saved generator state and gives the same draws as training straight through.
/// </summary>
internal static class SeedMix
{
    public const ulong ShuffleStream = 1;
    public const ulong MaskingStream = 2;
    public const ulong RandomEncoderStream = 3;
    public const ulong AugmentationStream = 4;
    public const ulong DownstreamStream = 5;
    public const ulong PredictorStream = 6;

    public static ulong Derive(long seed, long epoch, ulong stream)
    {
        var state = Mix((ulong)seed);
        state = Mix(state ^ (ulong)epoch);
        return Mix(state ^ stream);
    }

    /// <summary>The seed of one step's masking noise: a generator per step (not one per epoch drawn in
    /// sequence), so a run resumed at step <paramref name="step"/> of <paramref name="epoch"/> masks as if never stopped.</summary>
    public static ulong MaskingSeed(long seed, long epoch, long step) => Mix(Derive(seed, epoch, MaskingStream) ^ (ulong)step);

    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Fisher–Yates permutation of 0..count−1 from a SplitMix64 stream (independent of .NET's Random).</summary>
    public static int[] Permutation(int count, ulong seed)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        var state = seed;
        for (var i = count - 1; i > 0; i--)
        {
            state = Mix(state);
            var j = (int)(state % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}

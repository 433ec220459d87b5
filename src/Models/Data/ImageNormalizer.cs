namespace LensSweep.Models.Data;

/// <summary>
/// Makes loaded images safe and comparable, in place: every NaN/±Inf pixel becomes the median of its
/// channel's finite pixels (a background-like value; 0 would be a bright or dark spike in count data
/// such as DeepLense Model I), and is counted; then each image is standardised to zero mean and unit
/// standard deviation over all its channels together.
/// </summary>
/// <remarks>
/// Why standardise rather than min-max: one hot pixel (a cosmic ray, a bright neighbour in an LSST
/// cutout) sets the maximum and squashes the whole lens into a few grey levels under min-max, while the
/// mean and spread barely move. Zero-mean inputs also suit the MAE's linear patch embedding. Why over all
/// channels jointly: per-band scaling would erase colour, and in LSST cutouts the blue arcs against the
/// red lens galaxy are the signal.
/// </remarks>
public static class ImageNormalizer
{
    /// <summary>Replaces non-finite pixels and standardises every image of <paramref name="dataset"/> in place.</summary>
    public static NormalizationCounts Apply(LensDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        long replaced = 0;
        var imagesWithNonFinite = 0;
        var constant = 0;
        Parallel.For(0, dataset.Count, i =>
        {
            var image = dataset.Images.AsSpan(i * dataset.PixelsPerImage, dataset.PixelsPerImage);
            var fixedHere = ReplaceNonFinite(image, dataset.Channels);
            if (fixedHere > 0)
            {
                Interlocked.Add(ref replaced, fixedHere);
                Interlocked.Increment(ref imagesWithNonFinite);
            }

            if (!Standardize(image))
            {
                Interlocked.Increment(ref constant);
            }
        });

        return new NormalizationCounts(replaced, imagesWithNonFinite, constant);
    }

    /// <summary>Returns how many pixels were replaced.</summary>
    internal static int ReplaceNonFinite(Span<float> image, int channels)
    {
        var plane = image.Length / channels;
        var replaced = 0;
        for (var c = 0; c < channels; c++)
        {
            var channel = image.Slice(c * plane, plane);
            var bad = 0;
            foreach (var v in channel)
            {
                if (!float.IsFinite(v))
                {
                    bad++;
                }
            }

            if (bad == 0)
            {
                continue;
            }

            var finite = new List<float>(plane - bad);
            foreach (var v in channel)
            {
                if (float.IsFinite(v))
                {
                    finite.Add(v);
                }
            }

            var fill = Median(finite);
            for (var k = 0; k < channel.Length; k++)
            {
                if (!float.IsFinite(channel[k]))
                {
                    channel[k] = fill;
                }
            }

            replaced += bad;
        }

        return replaced;
    }

    /// <summary>Zero mean, unit (population) standard deviation; false for a constant image, which becomes all zeros.</summary>
    internal static bool Standardize(Span<float> image)
    {
        if (Statistics(image) is not var (mean, std))
        {
            image.Clear();
            return false;
        }

        var inverse = 1 / std;
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = (float)((image[k] - mean) * inverse);
        }

        return true;
    }

    /// <summary>The mean and population standard deviation <see cref="Standardize"/> uses; null for an image whose
    /// spread is at float rounding level (no signal: dividing by it would only amplify rounding noise).</summary>
    internal static (double Mean, double Std)? Statistics(ReadOnlySpan<float> image)
    {
        double sum = 0;
        foreach (var v in image)
        {
            sum += v;
        }

        var mean = sum / image.Length;
        double squares = 0;
        foreach (var v in image)
        {
            squares += (v - mean) * (v - mean);
        }

        var std = Math.Sqrt(squares / image.Length);
        return std > 1e-6 * Math.Max(1.0, Math.Abs(mean)) ? (mean, std) : null;
    }

    private static float Median(List<float> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}

/// <summary>What <see cref="ImageNormalizer.Apply"/> changed.</summary>
public readonly record struct NormalizationCounts(long NonFiniteValuesReplaced, int ImagesWithNonFiniteValues, int ConstantImages);

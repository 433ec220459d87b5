namespace LensSweep.Models.Data;

/// <summary>
/// The one rule for whether images read from files can train at a study's image size, and the fit that brings
/// them there: the spec check, the console's preflight and the loader all ask <see cref="Problem"/>.
/// </summary>
public static class ImageFitting
{
    /// <summary>
    /// Why images of <paramref name="height"/>×<paramref name="width"/> cannot train at side <paramref name="size"/>
    /// with <paramref name="fit"/> (null: no fit asked for), or null when they can.
    /// </summary>
    public static string? Problem(int height, int width, int size, ImageFit? fit)
    {
        var files = $"{height}×{width}";
        return fit switch
        {
            null when height == size && width == size => null,
            null when height != width => $"the images are {files}; the model needs square images of image_size {size}: set dataset.fit to crop, pad or resize",
            null => $"the images are {files} but dataset.image_size is {size}: set image_size to {height}, or dataset.fit to crop, pad or resize to bring them to {size}×{size}",
            ImageFit.Crop when height < size || width < size => $"the images are {files}, smaller than image_size {size}, which crop cannot reach: use pad or resize",
            ImageFit.Pad when height > size || width > size => $"the images are {files}, larger than image_size {size}, which pad cannot reach: use crop or resize",
            _ => null,
        };
    }

    /// <summary>Says in words what <see cref="Apply"/> does to images of that shape (for <c>data inspect</c> and the load log).</summary>
    public static string Describe(int height, int width, int size, ImageFit? fit) =>
        fit is null || (height == size && width == size)
            ? $"{height}×{width}, used as they are"
            : $"{height}×{width}, {Naming(fit.Value)} to {size}×{size} at load";

    /// <summary>The spec's word for a fit.</summary>
    public static string Naming(ImageFit fit) => fit.ToString().ToLowerInvariant();

    /// <summary>The images brought to <paramref name="size"/>×<paramref name="size"/>; the same dataset when they already are.</summary>
    /// <exception cref="ArgumentException">The fit cannot reach the size (see <see cref="Problem"/>).</exception>
    public static LensDataset Apply(LensDataset data, int size, ImageFit fit)
    {
        if (data.Height == size && data.Width == size)
        {
            return data;
        }

        if (Problem(data.Height, data.Width, size, fit) is { } problem)
        {
            throw new ArgumentException(problem, nameof(fit));
        }

        var planes = data.Count * data.Channels;
        var inPlane = data.Height * data.Width;
        var outPlane = size * size;
        var images = new float[checked((long)planes * outPlane)];
        Parallel.For(0, planes, p =>
        {
            var source = data.Images.AsSpan(p * inPlane, inPlane);
            var target = images.AsSpan(p * outPlane, outPlane);
            switch (fit)
            {
                case ImageFit.Crop:
                    Crop(source, data.Height, data.Width, target, size);
                    break;
                case ImageFit.Pad:
                    Pad(source, data.Height, data.Width, target, size);
                    break;
                default:
                    Resize(source, data.Height, data.Width, target, size);
                    break;
            }
        });
        return data with { Images = images, Height = size, Width = size };
    }

    // The central window; an odd margin leaves the extra row or column at the bottom/right, as torchvision's CenterCrop rounds.
    private static void Crop(ReadOnlySpan<float> source, int height, int width, Span<float> target, int size)
    {
        var top = (int)Math.Round((height - size) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((width - size) / 2.0, MidpointRounding.ToEven);
        for (var y = 0; y < size; y++)
        {
            source.Slice((top + y) * width + left, size).CopyTo(target.Slice(y * size, size));
        }
    }

    private static void Pad(ReadOnlySpan<float> source, int height, int width, Span<float> target, int size)
    {
        target.Clear();
        var top = (size - height) / 2;
        var left = (size - width) / 2;
        for (var y = 0; y < height; y++)
        {
            source.Slice(y * width, width).CopyTo(target.Slice((top + y) * size + left, width));
        }
    }

    // Half-pixel centres (align_corners=False): output pixel i samples input coordinate (i + 0.5)·scale − 0.5, clamped at 0.
    private static void Resize(ReadOnlySpan<float> source, int height, int width, Span<float> target, int size)
    {
        var scaleY = (double)height / size;
        var scaleX = (double)width / size;
        for (var y = 0; y < size; y++)
        {
            var (y0, y1, wy) = Neighbours(y, scaleY, height);
            for (var x = 0; x < size; x++)
            {
                var (x0, x1, wx) = Neighbours(x, scaleX, width);
                var top = source[y0 * width + x0] * (1 - wx) + source[y0 * width + x1] * wx;
                var bottom = source[y1 * width + x0] * (1 - wx) + source[y1 * width + x1] * wx;
                target[y * size + x] = (float)(top * (1 - wy) + bottom * wy);
            }
        }
    }

    private static (int Low, int High, double Weight) Neighbours(int index, double scale, int length)
    {
        var position = Math.Max(0, (index + 0.5) * scale - 0.5);
        var low = Math.Min((int)position, length - 1);
        var high = Math.Min(low + 1, length - 1);
        return (low, high, position - low);
    }
}

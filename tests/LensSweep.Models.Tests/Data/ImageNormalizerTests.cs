using LensSweep.Models.Data;

namespace LensSweep.Models.Tests.Data;

public sealed class ImageNormalizerTests
{
    private static LensDataset OneImage(float[] pixels, int channels = 1) =>
        new(pixels, [0], 1, channels, 1, pixels.Length / channels, ["a"]);

    [Fact]
    public void Each_image_gets_zero_mean_and_unit_spread()
    {
        var dataset = new LensDataset([1, 2, 3, 4, 10, 20, 30, 40], [0, 0], 2, 1, 2, 2, ["a"]);

        ImageNormalizer.Apply(dataset);

        for (var i = 0; i < 2; i++)
        {
            var image = dataset.Image(i).ToArray();
            Assert.Equal(0, image.Average(), 5);
            Assert.Equal(1, Math.Sqrt(image.Average(v => v * v)), 5);
        }
    }

    [Fact]
    public void Non_finite_pixels_are_replaced_by_the_channel_median_and_counted()
    {
        var dataset = OneImage([1, float.NaN, 3, 5, float.PositiveInfinity, 100, float.NegativeInfinity, 102], channels: 2);
        var raw = ImageNormalizer.ReplaceNonFinite(dataset.Images, 2);

        Assert.Equal(3, raw);
        Assert.Equal(new float[] { 1, 3, 3, 5, 101, 100, 101, 102 }, dataset.Images);
    }

    [Fact]
    public void Apply_reports_replaced_values_and_the_images_they_were_in()
    {
        var dataset = new LensDataset([1, float.NaN, 3, 4, 1, 2, 3, 4, float.NaN, float.NaN, 0, 1], [0, 0, 0], 3, 1, 2, 2, ["a"]);

        var counts = ImageNormalizer.Apply(dataset);

        Assert.Equal(3, counts.NonFiniteValuesReplaced);
        Assert.Equal(2, counts.ImagesWithNonFiniteValues);
        Assert.All(dataset.Images, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_constant_image_becomes_zeros_and_is_counted()
    {
        var dataset = OneImage([7, 7, 7, 7]);

        var counts = ImageNormalizer.Apply(dataset);

        Assert.Equal(1, counts.ConstantImages);
        Assert.All(dataset.Images, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_channel_with_no_finite_pixel_is_filled_with_zero()
    {
        var dataset = OneImage([float.NaN, float.NaN, 1, 2], channels: 2);

        ImageNormalizer.ReplaceNonFinite(dataset.Images, 2);

        Assert.Equal(new float[] { 0, 0, 1, 2 }, dataset.Images);
    }
}

using LensSweep.Models.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Data;

public sealed class ImageFittingTests
{
    [Fact]
    public void Images_already_at_the_size_need_no_fit() =>
        Assert.Null(ImageFitting.Problem(41, 41, 41, fit: null));

    [Fact]
    public void Another_size_without_a_fit_is_a_problem_naming_both_sizes_and_the_option()
    {
        var problem = ImageFitting.Problem(41, 41, 64, fit: null);

        Assert.Contains("41×41", problem, StringComparison.Ordinal);
        Assert.Contains("image_size is 64", problem, StringComparison.Ordinal);
        Assert.Contains("dataset.fit to crop, pad or resize", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Crop_cannot_enlarge() =>
        Assert.Contains("use pad or resize", ImageFitting.Problem(41, 41, 64, ImageFit.Crop), StringComparison.Ordinal);

    [Fact]
    public void Pad_cannot_shrink() =>
        Assert.Contains("use crop or resize", ImageFitting.Problem(41, 41, 32, ImageFit.Pad), StringComparison.Ordinal);

    [Theory]
    [InlineData(41, 64)]
    [InlineData(41, 32)]
    [InlineData(30, 40)]
    public void Resize_reaches_any_size(int side, int size) =>
        Assert.Null(ImageFitting.Problem(side, side, size, ImageFit.Resize));

    [Fact]
    public void Crop_keeps_the_central_window()
    {
        var data = Dataset(5, (y, x) => 10 * y + x);

        var cropped = ImageFitting.Apply(data, 3, ImageFit.Crop);

        Assert.Equal(new float[] { 11, 12, 13, 21, 22, 23, 31, 32, 33 }, cropped.Image(0).ToArray());
    }

    [Fact]
    public void Pad_centres_the_image_on_zeros()
    {
        var data = Dataset(2, (y, x) => 1 + 2 * y + x);

        var padded = ImageFitting.Apply(data, 4, ImageFit.Pad);

        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0 }, padded.Image(0).ToArray());
    }

    [Fact]
    public void Resize_keeps_a_constant_image_constant()
    {
        var resized = ImageFitting.Apply(Dataset(41, (_, _) => 3.5f), 64, ImageFit.Resize);

        Assert.All(resized.Images, v => Assert.Equal(3.5f, v));
    }

    [Theory]
    [InlineData(41, 64)]
    [InlineData(41, 16)]
    [InlineData(7, 9)]
    public void Resize_matches_libtorch_bilinear_interpolation_without_aligned_corners(int side, int size)
    {
        var random = new Random(side * 100 + size);
        var data = Dataset(side, (_, _) => (float)random.NextDouble(), channels: 2);

        var resized = ImageFitting.Apply(data, size, ImageFit.Resize);

        using var input = tensor(data.Images, [1, 2, side, side]);
        using var expected = nn.functional.interpolate(input, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        var reference = expected.data<float>().ToArray();
        for (var i = 0; i < reference.Length; i++)
        {
            Assert.Equal(reference[i], resized.Images[i], 4);
        }
    }

    [Fact]
    public void A_fit_keeps_labels_and_truths()
    {
        var data = Dataset(5, (y, x) => y + x) with { Truths = new LensTruths(new Dictionary<string, double[]> { [LensTruths.ThetaE] = [1.5] }) };

        var fitted = ImageFitting.Apply(data, 8, ImageFit.Resize);

        Assert.Equal(data.Labels, fitted.Labels);
        Assert.Same(data.Truths, fitted.Truths);
    }

    private static LensDataset Dataset(int side, Func<int, int, float> pixel, int channels = 1)
    {
        var images = new float[channels * side * side];
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < side; y++)
            {
                for (var x = 0; x < side; x++)
                {
                    images[(c * side + y) * side + x] = pixel(y, x);
                }
            }
        }

        return new LensDataset(images, [0], 1, channels, side, side, ["lens"]);
    }
}

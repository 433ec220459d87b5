using LensSweep.Models.Finetuning;

namespace LensSweep.Models.Tests.Finetuning;

public sealed class TestTimeAugmentationTests
{
    [Fact]
    public void Average_is_the_element_wise_mean() =>
        Assert.Equal([2f, 3f], TestTimeAugmentation.Average([[1f, 2f], [3f, 4f]]));

    [Fact]
    public void Predictions_of_different_lengths_are_refused() =>
        Assert.Throws<ArgumentException>(() => TestTimeAugmentation.Average([[1f, 2f], [3f]]));

    [Fact]
    public void Predict_asks_for_all_eight_transforms_of_the_images()
    {
        float[] image = [.. Enumerable.Range(0, 9).Select(i => (float)i)];
        var seen = new List<string>();

        TestTimeAugmentation.Predict(image, count: 1, channels: 1, side: 3, images =>
        {
            seen.Add(string.Join(',', images));
            return [images[0]];
        });

        Assert.Equal(8, seen.Distinct().Count());
    }

    [Fact]
    public void Predict_averages_a_prediction_that_depends_on_orientation()
    {
        // The top-left pixel takes each corner's value twice over the eight transforms: 0, 2, 6, 8 → mean 4.
        float[] image = [.. Enumerable.Range(0, 9).Select(i => (float)i)];

        var mean = TestTimeAugmentation.Predict(image, count: 1, channels: 1, side: 3, images => [images[0]]);

        Assert.Equal(4f, mean[0], 5);
    }
}

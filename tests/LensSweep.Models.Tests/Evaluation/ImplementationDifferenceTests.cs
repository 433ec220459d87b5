using LensSweep.Models.Evaluation;

namespace LensSweep.Models.Tests.Evaluation;

public sealed class ImplementationDifferenceTests
{
    [Fact]
    public void The_difference_of_two_implementations_is_the_difference_of_their_seed_means_with_the_seed_spread_as_interval()
    {
        // Ours: seeds at 1 and 3; a draw of two seeds averages 1, 2 or 3 (1/4, 1/2, 1/4). Theirs: always 0.
        // So the draws of the difference are 1, 2 or 3, and the 95% percentile interval is [1, 3].
        var difference = ImplementationDifference.Of([1.0, 3.0], [0.0, 0.0]);

        Assert.Equal((2.0, 1.0, 3.0), (difference.Value, difference.Low, difference.High));
    }

    [Fact]
    public void A_side_with_one_seed_gives_the_difference_without_an_interval()
    {
        var difference = ImplementationDifference.Of([0.5], [0.25, 0.75]);

        Assert.Equal(0.0, difference.Value, 12);
        Assert.True(double.IsNaN(difference.Low) && double.IsNaN(difference.High));
    }
}

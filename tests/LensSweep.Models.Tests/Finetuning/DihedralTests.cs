using LensSweep.Models.Finetuning;

namespace LensSweep.Models.Tests.Finetuning;

public sealed class DihedralTests
{
    /// <summary>A 2-channel 3×3 image whose every pixel differs, so each symmetry gives a different image.</summary>
    private static readonly float[] Image = [.. Enumerable.Range(0, 18).Select(i => (float)i)];

    private static float[] Transform(float[] image, int transform)
    {
        var result = new float[image.Length];
        Dihedral.Apply(image, result, channels: 2, side: 3, transform);
        return result;
    }

    [Fact]
    public void Transform_zero_is_the_identity() =>
        Assert.Equal(Image, Transform(Image, 0));

    [Fact]
    public void The_eight_transforms_give_eight_different_images() =>
        Assert.Equal(8, Enumerable.Range(0, 8).Select(t => string.Join(',', Transform(Image, t))).Distinct().Count());

    [Fact]
    public void A_quarter_turn_is_counter_clockwise()
    {
        // Channel 0 is 0 1 2 / 3 4 5 / 6 7 8; turned a quarter counter-clockwise the right column becomes the top row.
        var turned = Transform(Image, 1);

        Assert.Equal([2f, 5f, 8f, 1f, 4f, 7f, 0f, 3f, 6f], turned[..9]);
    }

    [Fact]
    public void Four_quarter_turns_are_the_identity()
    {
        var image = Image;
        for (var k = 0; k < 4; k++)
            image = Transform(image, 1);

        Assert.Equal(Image, image);
    }

    [Fact]
    public void Transform_four_mirrors_left_and_right() =>
        Assert.Equal([2f, 1f, 0f, 5f, 4f, 3f, 8f, 7f, 6f], Transform(Image, 4)[..9]);

    [Fact]
    public void Every_channel_moves_the_same_way()
    {
        for (var t = 0; t < 8; t++)
        {
            var moved = Transform(Image, t);
            Assert.Equal(moved[..9].Select(v => v + 9), moved[9..]);
        }
    }

    [Fact]
    public void A_transform_outside_the_group_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Transform(Image, 8));

    [Fact]
    public void Each_image_of_a_batch_gets_its_own_transform()
    {
        var batch = Image.Concat(Image).ToArray();

        var moved = Dihedral.ApplyEach(batch, channels: 2, side: 3, [0, 4]);

        Assert.Equal(Image, moved[..18]);
        Assert.Equal(Transform(Image, 4), moved[18..]);
    }
}

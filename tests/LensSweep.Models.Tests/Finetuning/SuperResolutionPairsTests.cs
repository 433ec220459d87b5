using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Finetuning;

public sealed class SuperResolutionPairsTests
{
    private static readonly DatasetOptions Options = new() { ImagesPerClass = 4, ImageSize = 16, Seed = 2 };

    private static (SuperResolutionPairs Train, SuperResolutionPairs Validation, SuperResolutionPairs Test) Pairs(DatasetOptions? options = null) =>
        SuperResolutionPairs.Simulate(options ?? Options, SimulatorOptions.VariedMacroLens, factor: 2);

    [Fact]
    public void A_truth_has_the_input_side_times_the_factor()
    {
        var (train, _, _) = Pairs();

        Assert.Equal((16, 16, 32, 32), (train.Low.Height, train.Low.Width, train.High.Height, train.High.Width));
        Assert.Equal(train.Low.Count, train.High.Count);
    }

    [Fact]
    public void Input_and_truth_are_the_same_lens_in_every_split()
    {
        var (train, validation, test) = Pairs();

        foreach (var pair in new[] { train, validation, test })
        {
            Assert.Equal(pair.Low.Labels, pair.High.Labels);
            Assert.Equal(pair.Low.Truths!.Columns[LensTruths.ThetaE], pair.High.Truths!.Columns[LensTruths.ThetaE]);
        }
    }

    [Fact]
    public void The_truth_averaged_over_each_block_is_closer_to_its_input_than_when_shifted_by_a_pixel()
    {
        var (train, _, _) = Pairs();

        for (var i = 0; i < train.Low.Count; i++)
        {
            var low = train.Low.Image(i).ToArray();
            var blocks = BlockMeans(train.High.Image(i).ToArray(), 32, 2);
            var shifted = low.Skip(1).Append(low[^1]).ToArray();
            Assert.True(Rms(low, blocks) < 0.5 * Rms(shifted, blocks), $"image {i}: aligned {Rms(low, blocks)}, shifted by a pixel {Rms(shifted, blocks)}");
        }
    }

    private static double Rms(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (double)(x - y)).Average());

    [Fact]
    public void The_input_is_standardised_as_the_dataset_loader_standardises()
    {
        var (train, _, _) = Pairs();
        var loaded = DataSplitter.Split(new DatasetLoader().Load(Options, SimulatorOptions.VariedMacroLens), Options.ValidationFraction, Options.TestFraction, Options.Seed);

        Assert.Equal(loaded.Train.Images, train.Low.Images);
    }

    [Fact]
    public void A_factor_below_two_is_refused() =>
        Assert.Throws<ArgumentException>(() => SuperResolutionPairs.Simulate(Options, SimulatorOptions.ModelII, factor: 1));

    [Fact]
    public void Data_read_from_a_folder_is_refused() =>
        Assert.Throws<ArgumentException>(() => SuperResolutionPairs.Simulate(Options with { Kind = DatasetKind.DeepLense, Path = "x" }, SimulatorOptions.ModelII, factor: 2));

    private static float[] BlockMeans(float[] image, int side, int factor)
    {
        var low = side / factor;
        var means = new float[low * low];
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
                means[((y / factor) * low) + (x / factor)] += image[(y * side) + x] / (factor * factor);
        }

        return means;
    }
}

using LensSweep.Models.Data;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Finetuning;

/// <summary>
/// Images and their high-resolution truths, image for image: <see cref="High"/> has the labels and truths of
/// <see cref="Low"/> and sides <see cref="Factor"/> times longer.
/// </summary>
public sealed record SuperResolutionPairs(LensDataset Low, LensDataset High, int Factor)
{
    /// <summary>Longest side of the high-resolution truth: 4096 px, the simulator's limit.</summary>
    public const int MaxHighSide = 4096;

    /// <summary>
    /// The same simulated lenses rendered twice over the same field of view: at <see cref="DatasetOptions.ImageSize"/>
    /// pixels a side (the input: what the encoder sees, with the options' noise, standardised per image as the
    /// dataset loader does) and at <paramref name="factor"/> times as many (the truth: the same scene, no noise).
    /// The renderer gives flux per pixel, so the truth is multiplied by factor² (a flux per input-pixel area) and
    /// standardised with its input's mean and spread: both are in the same units, and a truth averaged over each
    /// factor×factor block is close to its input where the input is noise-free. Split as a study splits
    /// (<see cref="DataSplitter.Split"/> depends only on the labels and the seed, so both halves split alike).
    /// </summary>
    /// <param name="simulator">The simulator's settings; its image size is replaced, its field of view kept.</param>
    /// <exception cref="ArgumentException">The options are not simulated, or the factor is below 2 or too large.</exception>
    public static (SuperResolutionPairs Train, SuperResolutionPairs Validation, SuperResolutionPairs Test) Simulate(
        DatasetOptions options, SimulatorOptions simulator, int factor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(simulator);
        if (FactorProblem(options.ImageSize, factor) is { } problem)
            throw new ArgumentException(problem, nameof(factor));
        if (options.Kind != DatasetKind.Simulated || options.ImagesPerClass is not { } perClass)
            throw new ArgumentException("Super-resolution pairs are simulated: the options must be of simulated lenses with a number of images per class.", nameof(options));
        var classes = options.Classes ?? LensClasses.All;
        var low = new LensSimulator(simulator.AtImageSize(options.ImageSize)).Generate(perClass, options.Seed, classes, cancellationToken: cancellationToken);
        var high = new LensSimulator(simulator.AtImageSize(options.ImageSize * factor) with { Noise = null })
            .Generate(perClass, options.Seed, classes, cancellationToken: cancellationToken);
        Standardise(low, high, factor);
        var lows = DataSplitter.Split(low, options.ValidationFraction, options.TestFraction, options.Seed);
        var highs = DataSplitter.Split(high, options.ValidationFraction, options.TestFraction, options.Seed);
        return (new(lows.Train, highs.Train, factor), new(lows.Validation, highs.Validation, factor), new(lows.Test, highs.Test, factor));
    }

    /// <summary>Why <paramref name="factor"/> cannot upsample images of <paramref name="imageSize"/>; null when it can.</summary>
    public static string? FactorProblem(int imageSize, int factor) =>
        factor < 2 ? $"a super-resolution factor must be at least 2; got {factor}"
        : (long)imageSize * factor > MaxHighSide ? $"{imageSize}×{factor} = {(long)imageSize * factor} pixels a side is more than the simulator renders ({MaxHighSide})"
        : null;

    /// <summary>Input and truth in the input's standardised units (see <see cref="Simulate"/>): the input by the
    /// dataset loader's own <see cref="ImageNormalizer.Apply"/>, the truth with the statistics that standardised its
    /// input (taken after the same replacement of non-finite pixels, so they are the ones Apply uses).</summary>
    private static void Standardise(LensDataset low, LensDataset high, int factor)
    {
        var statistics = new (double Mean, double Std)?[low.Count];
        Parallel.For(0, low.Count, i =>
        {
            var input = low.Images.AsSpan(i * low.PixelsPerImage, low.PixelsPerImage);
            ImageNormalizer.ReplaceNonFinite(input, low.Channels);
            statistics[i] = ImageNormalizer.Statistics(input);
        });
        ImageNormalizer.Apply(low);
        var area = (double)factor * factor;
        Parallel.For(0, low.Count, i =>
        {
            var truth = high.Images.AsSpan(i * high.PixelsPerImage, high.PixelsPerImage);
            if (statistics[i] is not var (mean, std))
            {
                truth.Clear();
                return;
            }

            for (var k = 0; k < truth.Length; k++)
                truth[k] = (float)(((truth[k] * area) - mean) / std);
        });
    }
}

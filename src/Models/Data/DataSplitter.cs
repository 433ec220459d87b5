using LensSweep.Models.Simulation;

namespace LensSweep.Models.Data;

/// <summary>Stratified, seeded train / validation / test split: every class is split in the same proportions.</summary>
public static class DataSplitter
{
    /// <summary>Keeps the split's draws apart from the simulator's per-class streams.</summary>
    private const int SplitStream = 0x5B11;

    /// <summary>
    /// Per class, a seeded shuffle, then round(n·test) images to test, round(n·validation) to validation,
    /// the rest (always at least one) to train. Each part keeps the dataset's order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is outside [0, 1) or they sum to 1 or more.</exception>
    public static DataSplit Split(LensDataset dataset, double validationFraction, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Validation fraction must be in [0, 1).");
        }

        if (!(testFraction >= 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "Test fraction must be in [0, 1).");
        }

        if (validationFraction + testFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"Validation ({validationFraction}) and test ({testFraction}) fractions leave nothing to train on.");
        }

        var part = new byte[dataset.Count]; // 0 train, 1 validation, 2 test
        for (var label = 0; label < dataset.ClassNames.Count; label++)
        {
            var members = Enumerable.Range(0, dataset.Count).Where(i => dataset.Labels[i] == label).ToArray();
            var random = SeededRandom.Derive(seed, SplitStream + label, 0);
            for (var i = members.Length - 1; i > 0; i--)
            {
                var j = (int)(random.NextUInt64() % (ulong)(i + 1));
                (members[i], members[j]) = (members[j], members[i]);
            }

            var (validation, test) = HeldOut(members.Length, validationFraction, testFraction);

            for (var k = 0; k < test; k++)
            {
                part[members[k]] = 2;
            }

            for (var k = test; k < test + validation; k++)
            {
                part[members[k]] = 1;
            }
        }

        return new DataSplit(Subset(dataset, part, 0), Subset(dataset, part, 1), Subset(dataset, part, 2));
    }

    /// <summary>How many of a class's <paramref name="members"/> images <see cref="Split"/> holds out for validation
    /// and for test: round(n·fraction) each, less where that would leave train no image.</summary>
    public static (int Validation, int Test) HeldOut(int members, double validationFraction, double testFraction)
    {
        var test = (int)Math.Round(members * testFraction, MidpointRounding.AwayFromZero);
        var validation = (int)Math.Round(members * validationFraction, MidpointRounding.AwayFromZero);
        while (members > 0 && test + validation >= members)
        {
            // Rounding up both held-out parts of a tiny class can swallow it; train keeps one image.
            if (validation > 0)
            {
                validation--;
            }
            else
            {
                test--;
            }
        }

        return (validation, test);
    }

    /// <summary>The train images of a class of <paramref name="members"/> images after <see cref="Split"/>.</summary>
    public static int TrainCount(int members, double validationFraction, double testFraction)
    {
        var (validation, test) = HeldOut(members, validationFraction, testFraction);
        return members - validation - test;
    }

    /// <summary>The images at <paramref name="indices"/>, in that order, as a new dataset with the same classes.</summary>
    public static LensDataset Select(LensDataset dataset, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var pixels = dataset.PixelsPerImage;
        var images = new float[(long)indices.Count * pixels];
        var labels = new int[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            dataset.Image(indices[k]).CopyTo(images.AsSpan(k * pixels, pixels));
            labels[k] = dataset.Labels[indices[k]];
        }

        return dataset with { Images = images, Labels = labels, Count = indices.Count, Truths = dataset.Truths?.Select(indices) };
    }

    private static LensDataset Subset(LensDataset dataset, byte[] part, byte which) =>
        Select(dataset, Enumerable.Range(0, dataset.Count).Where(i => part[i] == which).ToArray());
}

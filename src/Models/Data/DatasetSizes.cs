namespace LensSweep.Models.Data;

/// <summary>
/// A study that searches its dataset size (<c>images_per_class</c>, <c>unlabelled_per_class</c>) loads and splits
/// its data once, at the largest size it searches, and gives each trial a smaller view of it. The rule, so that
/// scores at different sizes are comparable: <b>validation and test stay fixed</b> — the held-out images of the
/// largest size, for every trial — and only what a trial learns from shrinks: its labelled train split (which
/// pretraining and the probes fit on) and its unlabelled pool. A trial of n labelled images per class keeps, per
/// class, the first <see cref="DataSplitter.TrainCount"/>(n) images of the fixed train split in its order (the
/// train images a study of n images per class would have had), and the first u pool images per class. Smaller
/// sizes are nested in larger ones. A size at or above the loaded one leaves that part as it is.
/// </summary>
/// <remarks>
/// The study's pixel baseline is computed once, on the loaded (largest) split: what raw pixels give with every
/// labelled image the study has. Each trial's random-init baseline is its own encoder at epoch 0, evaluated on
/// the trial's view, so its gain compares like with like.
/// </remarks>
public static class DatasetSizes
{
    /// <summary>The trial's view of a study's split and pool.</summary>
    /// <param name="split">The study's split at its loaded size.</param>
    /// <param name="pool">The study's unlabelled pool (null: none).</param>
    /// <param name="imagesPerClass">The trial's labelled images per class; null: the loaded size.</param>
    /// <param name="unlabelledPerClass">The trial's unlabelled images per class; null: the whole pool.</param>
    /// <returns>The split (validation and test the study's own) and the images pretraining sees: the view's train
    /// split followed by its pool.</returns>
    public static (DataSplit Split, LensDataset PretrainingImages) View(
        DataSplit split, LensDataset? pool, int? imagesPerClass, int? unlabelledPerClass, double validationFraction, double testFraction)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (imagesPerClass is < 1)
            throw new ArgumentOutOfRangeException(nameof(imagesPerClass), imagesPerClass, "A trial needs at least one labelled image per class.");
        if (unlabelledPerClass is < 0)
            throw new ArgumentOutOfRangeException(nameof(unlabelledPerClass), unlabelledPerClass, "An unlabelled pool cannot be negative.");

        var train = imagesPerClass is { } n
            ? FirstPerClass(split.Train, DataSplitter.TrainCount(n, validationFraction, testFraction))
            : split.Train;
        var kept = pool is null ? null : unlabelledPerClass is { } u ? FirstPerClass(pool, u) : pool;
        var view = split with { Train = train };
        return (view, kept is null || kept.Count == 0 ? train : PretrainingPool.Join(train, kept));
    }

    /// <summary>Per class, the first <paramref name="perClass"/> images in dataset order (the dataset itself when
    /// no class has more).</summary>
    public static LensDataset FirstPerClass(LensDataset dataset, int perClass)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var seen = new int[dataset.ClassNames.Count];
        var rows = Enumerable.Range(0, dataset.Count).Where(i => seen[dataset.Labels[i]]++ < perClass).ToArray();
        return rows.Length == dataset.Count ? dataset : DataSplitter.Select(dataset, rows);
    }
}

namespace LensSweep.Models.Data;

/// <summary>
/// Self-supervised pretraining needs no labels, so it can use far more images than the labelled split a
/// probe is fitted and scored on. This cuts that unlabelled pool off a dataset and joins it to the train
/// split for pretraining; validation and test images never enter it.
/// </summary>
public static class PretrainingPool
{
    /// <summary>
    /// Per class, the first <paramref name="labelledPerClass"/> images in dataset order stay labelled and the
    /// rest become the pool. The simulator keys every image by (seed, class, index), so simulating
    /// labelled + pool images per class gives exactly the labelled set that simulating the labelled count
    /// alone gives, plus a pool that shares no image with it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelledPerClass"/> is below 1.</exception>
    /// <exception cref="ArgumentException">A class has no image left for the labelled part.</exception>
    public static (LensDataset Labelled, LensDataset Pool) SplitOff(LensDataset dataset, int labelledPerClass)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelledPerClass, 1);
        var seen = new int[dataset.ClassNames.Count];
        var labelled = new List<int>();
        var pool = new List<int>();
        for (var i = 0; i < dataset.Count; i++)
            (seen[dataset.Labels[i]]++ < labelledPerClass ? labelled : pool).Add(i);
        var empty = seen.Select((count, label) => (count, label)).Where(c => c.count == 0).Select(c => dataset.ClassNames[c.label]).ToList();
        if (empty.Count > 0)
            throw new ArgumentException($"Classes {string.Join(", ", empty)} have no images to label.", nameof(dataset));
        return (DataSplitter.Select(dataset, labelled), DataSplitter.Select(dataset, pool));
    }

    /// <summary>
    /// The images the MAE pretrains on: the train split followed by the pool. Their labels ride along only
    /// because <see cref="LensDataset"/> carries them; pretraining never reads a label.
    /// </summary>
    /// <exception cref="ArgumentException">The two sets differ in image shape.</exception>
    public static LensDataset Join(LensDataset train, LensDataset pool)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(pool);
        if (train.Channels != pool.Channels || train.Height != pool.Height || train.Width != pool.Width)
            throw new ArgumentException(
                $"The pool's images are {pool.Channels}×{pool.Height}×{pool.Width}, the train split's {train.Channels}×{train.Height}×{train.Width}.",
                nameof(pool));
        return train with
        {
            Images = [.. train.Images, .. pool.Images],
            Labels = [.. train.Labels, .. pool.Labels],
            Count = train.Count + pool.Count,
            Truths = train.Truths is { } a && pool.Truths is { } b ? a.Concat(b, train.Count, pool.Count) : null,
        };
    }
}

namespace LensSweep.Models.Probing;

/// <summary>Top-1 accuracy of class probabilities (row-major images × classes): the one rule the linear probe's
/// <c>probe_accuracy</c> and the downstream classifier's accuracy both use.</summary>
public static class Accuracy
{
    /// <summary>Share of <paramref name="rows"/> (repeats allowed, as a bootstrap draws them) whose most probable class
    /// (the first of equal maxima) is the label; NaN for no rows.</summary>
    public static double Of(ReadOnlySpan<float> probabilities, IReadOnlyList<int> labels, int classes, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
            return double.NaN;
        var correct = 0;
        foreach (var row in rows)
        {
            if (ArgMax(probabilities.Slice(row * classes, classes)) == labels[row])
                correct++;
        }

        return correct / (double)rows.Count;
    }

    /// <summary>Over every row.</summary>
    public static double Of(ReadOnlySpan<float> probabilities, IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Of(probabilities, labels, classes, [.. Enumerable.Range(0, labels.Count)]);
    }

    /// <summary>The index of the largest value (the first of equal maxima).</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best]) best = c;
        }

        return best;
    }
}

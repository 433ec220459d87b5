namespace LensSweep.Models.Probing;

/// <summary>ROC-AUC by ranks (Mann–Whitney U), with tied scores given their average rank.</summary>
public static class RocAuc
{
    /// <summary>AUC of <paramref name="scores"/> for the rows where <paramref name="positive"/> is true;
    /// NaN when there are no positives or no negatives.</summary>
    public static double Binary(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length)
            throw new ArgumentException($"{scores.Length} scores but {positive.Length} labels.", nameof(positive));
        var n = scores.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);

        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end + 1 < n && keys[end + 1] == keys[start]) end++;
            var averageRank = (start + end) / 2.0 + 1.0;   // ranks are 1-based
            for (var k = start; k <= end; k++)
            {
                if (!positive[order[k]]) continue;
                positiveRankSum += averageRank;
                positives++;
            }

            start = end + 1;
        }

        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// Mean over classes of the one-vs-rest AUC of that class's probability. Classes absent from
    /// <paramref name="labels"/> (or the only class present) have no AUC and are left out of the mean.
    /// </summary>
    /// <param name="probabilities">Row-major rows × classes.</param>
    public static double MacroOneVsRest(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int classes)
    {
        if (probabilities.Length != labels.Length * classes)
            throw new ArgumentException($"{probabilities.Length} probabilities for {labels.Length} rows × {classes} classes.", nameof(probabilities));
        var scores = new double[labels.Length];
        var positive = new bool[labels.Length];
        double sum = 0;
        var defined = 0;
        for (var c = 0; c < classes; c++)
        {
            for (var i = 0; i < labels.Length; i++)
            {
                scores[i] = probabilities[i * classes + c];
                positive[i] = labels[i] == c;
            }

            var auc = Binary(scores, positive);
            if (double.IsNaN(auc)) continue;
            sum += auc;
            defined++;
        }

        return defined == 0 ? double.NaN : sum / defined;
    }
}

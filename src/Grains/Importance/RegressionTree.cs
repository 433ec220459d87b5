namespace LensSweep.Grains.Importance;

/// <summary>A leaf of a fitted tree as a box of the search space: a closed interval per numeric axis, a set of
/// choices per categorical axis, and the mean score of the rows that fell in it.</summary>
internal sealed record TreeLeaf(double Value, double[] Low, double[] High, bool[]?[] Allowed);

/// <summary>
/// A CART regression tree (squared error, leaves of one row or more) over numeric and categorical columns.
/// A numeric split sends <c>x ≤ threshold</c> left, the threshold halfway between two tried values; a
/// categorical split orders the choices present by their mean score and cuts that order (the best subset
/// split for squared error), choices absent from the node going right.
/// </summary>
internal sealed class RegressionTree
{
    private readonly List<Node> _nodes = [];

    private RegressionTree() { }

    /// <param name="x">Rows of column values; a categorical column holds choice indexes 0..count-1.</param>
    /// <param name="categories">Per column: the number of choices of a categorical column, 0 for a numeric one.</param>
    /// <param name="rows">The rows to fit on (a bootstrap sample may repeat a row).</param>
    public static RegressionTree Fit(double[][] x, double[] y, int[] categories, int[] rows, int maxDepth)
    {
        var tree = new RegressionTree();
        tree.Grow(x, y, categories, rows, maxDepth);
        return tree;
    }

    /// <summary>The leaves as boxes of the domain: numeric axes start as [<paramref name="low"/>, <paramref name="high"/>], categorical ones with every choice.</summary>
    public IReadOnlyList<TreeLeaf> Leaves(double[] low, double[] high, int[] categories)
    {
        var allowed = categories.Select(k => k > 0 ? Enumerable.Repeat(true, k).ToArray() : null).ToArray();
        var leaves = new List<TreeLeaf>();
        Collect(0, (double[])low.Clone(), (double[])high.Clone(), allowed, leaves);
        return leaves;
    }

    private void Collect(int index, double[] low, double[] high, bool[]?[] allowed, List<TreeLeaf> leaves)
    {
        var node = _nodes[index];
        if (node.Axis < 0)
        {
            leaves.Add(new TreeLeaf(node.Value, low, high, allowed));
            return;
        }

        var (leftLow, leftHigh, leftAllowed) = ((double[])low.Clone(), (double[])high.Clone(), (bool[]?[])allowed.Clone());
        var (rightLow, rightHigh, rightAllowed) = ((double[])low.Clone(), (double[])high.Clone(), (bool[]?[])allowed.Clone());
        if (node.LeftChoices is { } left)
        {
            var choices = allowed[node.Axis]!;
            leftAllowed[node.Axis] = choices.Select((a, c) => a && left[c]).ToArray();
            rightAllowed[node.Axis] = choices.Select((a, c) => a && !left[c]).ToArray();
        }
        else
        {
            leftHigh[node.Axis] = Math.Min(high[node.Axis], node.Threshold);
            rightLow[node.Axis] = Math.Max(low[node.Axis], node.Threshold);
        }

        Collect(node.Left, leftLow, leftHigh, leftAllowed, leaves);
        Collect(node.Right, rightLow, rightHigh, rightAllowed, leaves);
    }

    private int Grow(double[][] x, double[] y, int[] categories, int[] rows, int depthLeft)
    {
        var index = _nodes.Count;
        var mean = rows.Average(r => y[r]);
        _nodes.Add(Node.Leaf(mean));
        if (rows.Length < 2 || depthLeft == 0)
        {
            return index;
        }

        var squares = rows.Sum(r => (y[r] - mean) * (y[r] - mean));

        // A split must remove more than rounding error, or a node of equal scores would split forever.
        var best = (Gain: squares * 1e-9, Axis: -1, Threshold: 0.0, Left: (bool[]?)null);
        if (squares <= 0)
        {
            return index;
        }

        for (var axis = 0; axis < categories.Length; axis++)
        {
            var candidate = categories[axis] > 0
                ? BestChoiceSplit(x, y, rows, axis, categories[axis])
                : BestThresholdSplit(x, y, rows, axis);
            if (candidate.Gain > best.Gain)
            {
                best = (candidate.Gain, axis, candidate.Threshold, candidate.Left);
            }
        }

        if (best.Axis < 0)
        {
            return index;
        }

        var goesLeft = best.Left is { } set
            ? (Func<int, bool>)(r => set[(int)x[r][best.Axis]])
            : r => x[r][best.Axis] <= best.Threshold;
        var leftRows = rows.Where(goesLeft).ToArray();
        var rightRows = rows.Where(r => !goesLeft(r)).ToArray();
        var leftChild = Grow(x, y, categories, leftRows, depthLeft - 1);
        var rightChild = Grow(x, y, categories, rightRows, depthLeft - 1);
        _nodes[index] = new Node(best.Axis, best.Threshold, best.Left, leftChild, rightChild, mean);
        return index;
    }

    /// <summary>Squared error removed by a split: sumL²/nL + sumR²/nR − sum²/n.</summary>
    private static double Gain(double leftSum, int leftCount, double total, int count) =>
        (leftSum * leftSum / leftCount) + ((total - leftSum) * (total - leftSum) / (count - leftCount)) - (total * total / count);

    private static (double Gain, double Threshold, bool[]? Left) BestThresholdSplit(double[][] x, double[] y, int[] rows, int axis)
    {
        var sorted = rows.OrderBy(r => x[r][axis]).ThenBy(r => r).ToArray();
        var total = sorted.Sum(r => y[r]);
        var (bestGain, threshold) = (double.NegativeInfinity, 0.0);
        var leftSum = 0.0;
        for (var i = 0; i < sorted.Length - 1; i++)
        {
            leftSum += y[sorted[i]];
            var (here, next) = (x[sorted[i]][axis], x[sorted[i + 1]][axis]);
            if (here < next)
            {
                var gain = Gain(leftSum, i + 1, total, sorted.Length);
                if (gain > bestGain)
                {
                    (bestGain, threshold) = (gain, here + ((next - here) / 2));
                }
            }
        }

        return (bestGain, threshold, null);
    }

    private static (double Gain, double Threshold, bool[]? Left) BestChoiceSplit(double[][] x, double[] y, int[] rows, int axis, int choices)
    {
        var sums = new double[choices];
        var counts = new int[choices];
        foreach (var r in rows)
        {
            var c = (int)x[r][axis];
            sums[c] += y[r];
            counts[c]++;
        }

        var order = Enumerable.Range(0, choices).Where(c => counts[c] > 0).OrderBy(c => sums[c] / counts[c]).ThenBy(c => c).ToArray();
        var total = sums.Sum();
        var (bestGain, cut) = (double.NegativeInfinity, -1);
        var (leftSum, leftCount) = (0.0, 0);
        for (var k = 0; k < order.Length - 1; k++)
        {
            leftSum += sums[order[k]];
            leftCount += counts[order[k]];
            var gain = Gain(leftSum, leftCount, total, rows.Length);
            if (gain > bestGain)
            {
                (bestGain, cut) = (gain, k);
            }
        }

        if (cut < 0)
        {
            return (double.NegativeInfinity, 0, null);
        }

        var left = new bool[choices];
        foreach (var c in order.Take(cut + 1))
        {
            left[c] = true;
        }

        return (bestGain, 0, left);
    }

    /// <param name="Axis">The split column; negative for a leaf.</param>
    /// <param name="LeftChoices">For a categorical split, the choices that go left; null for a numeric one.</param>
    private readonly record struct Node(int Axis, double Threshold, bool[]? LeftChoices, int Left, int Right, double Value)
    {
        public static Node Leaf(double value) => new(-1, 0, null, -1, -1, value);
    }
}

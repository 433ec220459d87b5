using System.Globalization;
using LensSweep.Grains.Scheduling;

namespace LensSweep.Grains.Importance;

/// <summary>
/// Which hyperparameter matters: an fANOVA-style decomposition (Hutter, Hoos and Leyton-Brown, ICML 2014) of
/// a random-forest surrogate of the study's score, as Optuna's FanovaImportanceEvaluator does. The forest's
/// trees are CART regression trees fitted on bootstrap samples of the scored trials with a fixed seed; each
/// tree is a piecewise-constant function over the search space (log axes in log10, integers as continuous,
/// numeric axes between the extremes the trials tried, categorical axes with every tried choice weighing the
/// same), so its variance and the variance of each hyperparameter's marginal are computed exactly. A
/// hyperparameter's share is that marginal variance over the tree's total variance, averaged over the trees.
/// </summary>
/// <remarks>
/// Only main effects are reported: the variance left over (<see cref="ImportanceEstimate.Interactions"/>) is
/// what pairs and larger groups explain together, not split up here. The surrogate only knows the region the
/// trials covered, and at fewer than <see cref="ImportanceOptions.MinimumTrials"/> scored trials no numbers are
/// given. Shares do not depend on whether a higher or a lower score is better; the mode picks
/// <see cref="ParameterImportance.BestAt"/>.
/// </remarks>
public static class HyperparameterImportance
{
    /// <summary>The rung at which the most trials have a finite score (ties to the higher rung); null when none has one.
    /// Under ASHA every trial is scored at rung 0 but only promoted ones later, so this is the rung that compares most trials.</summary>
    public static int? ScoringRung(IEnumerable<IReadOnlyList<ScoreAtRung>> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var counts = trials
            .SelectMany(scores => scores.Where(s => double.IsFinite(s.Score)).Select(s => s.Rung).Distinct())
            .GroupBy(rung => rung)
            .Select(g => (Rung: g.Key, Count: g.Count()))
            .ToList();
        return counts.Count == 0 ? null : counts.OrderByDescending(c => c.Count).ThenByDescending(c => c.Rung).First().Rung;
    }

    /// <summary>A trial's score at <paramref name="rung"/>; null when it has no finite one there.</summary>
    public static double? ScoreAt(IReadOnlyList<ScoreAtRung> scores, int rung)
    {
        ArgumentNullException.ThrowIfNull(scores);
        foreach (var score in scores)
        {
            if (score.Rung == rung && double.IsFinite(score.Score))
            {
                return score.Score;
            }
        }

        return null;
    }

    public static ImportanceEstimate Estimate(
        IReadOnlyList<ImportanceAxis> axes, IReadOnlyList<ImportanceTrial> trials, MetricMode mode, ImportanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(trials);
        options ??= new ImportanceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Trees, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDepth, 1);
        if (trials.Any(t => t.Values.Count != axes.Count))
        {
            throw new ArgumentException($"Every trial needs one value per axis ({axes.Count}).", nameof(trials));
        }

        var rung = ScoringRung(trials.Select(t => t.Scores));
        var scored = rung is { } r
            ? trials.Select(t => (t.Values, Score: ScoreAt(t.Scores, r))).Where(t => t.Score is not null).ToList()
            : [];
        if (axes.Count == 0)
        {
            return new ImportanceEstimate(rung, scored.Count, [], 0, "the trials do not differ in any hyperparameter");
        }

        if (scored.Count < ImportanceOptions.MinimumTrials)
        {
            var where = rung is { } at ? string.Create(CultureInfo.InvariantCulture, $" at rung {at}") : string.Empty;
            return new ImportanceEstimate(
                rung,
                scored.Count,
                [],
                0,
                string.Create(CultureInfo.InvariantCulture, $"{scored.Count} trials have a score{where}; hyperparameter importance needs at least {ImportanceOptions.MinimumTrials} (a forest fitted on fewer explains noise)"));
        }

        // The bootstrap draws rows by index: a fixed row order makes the numbers independent of the order trials come in.
        scored = [.. scored.OrderBy(t => t.Score!.Value).ThenBy(t => t.Values, RowOrder.Instance)];
        var columns = axes.Select((axis, i) => Column.Of(axis, scored.Select(t => t.Values[i]).ToList())).ToArray();
        var x = scored.Select(t => columns.Select((c, i) => c.Place(t.Values[i])).ToArray()).ToArray();
        var y = scored.Select(t => t.Score!.Value).ToArray();
        var forest = Fit(x, y, columns, options);
        var shares = new double[axes.Count];
        var usedTrees = 0;
        var marginals = columns.Select(c => new double[c.Points.Count]).ToArray();
        foreach (var leaves in forest)
        {
            var tree = new TreeVariance(leaves, columns);
            for (var i = 0; i < columns.Length; i++)
            {
                for (var p = 0; p < columns[i].Points.Count; p++)
                {
                    marginals[i][p] += tree.MarginalAt(i, columns[i].Points[p]) / forest.Count;
                }
            }

            if (tree.Variance <= 1e-15 * Math.Max(1, tree.Mean * tree.Mean))
            {
                continue; // a tree that predicts one score everywhere has no variance to share out
            }

            usedTrees++;
            for (var i = 0; i < columns.Length; i++)
            {
                shares[i] += tree.MarginalVariance(i) / tree.Variance;
            }
        }

        var parameters = axes
            .Select((axis, i) => new ParameterImportance(
                axis.Name,
                usedTrees == 0 ? 0 : Math.Clamp(shares[i] / usedTrees, 0, 1),
                columns[i].Original(Best(marginals[i], mode))))
            .OrderByDescending(p => p.Share)
            .ToList();
        var interactions = usedTrees == 0 ? 0 : Math.Max(0, 1 - parameters.Sum(p => p.Share));
        return new ImportanceEstimate(rung, scored.Count, parameters, interactions, null);
    }

    private static int Best(double[] marginal, MetricMode mode)
    {
        var best = 0;
        for (var p = 1; p < marginal.Length; p++)
        {
            if (mode == MetricMode.Max ? marginal[p] > marginal[best] : marginal[p] < marginal[best])
            {
                best = p;
            }
        }

        return best;
    }

    private static List<IReadOnlyList<TreeLeaf>> Fit(double[][] x, double[] y, Column[] columns, ImportanceOptions options)
    {
        var random = new Random(options.Seed);
        var categories = columns.Select(c => c.Choices).ToArray();
        var low = columns.Select(c => c.Low).ToArray();
        var high = columns.Select(c => c.High).ToArray();
        var forest = new List<IReadOnlyList<TreeLeaf>>(options.Trees);
        for (var t = 0; t < options.Trees; t++)
        {
            var rows = new int[y.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = random.Next(y.Length);
            }

            forest.Add(RegressionTree.Fit(x, y, categories, rows, options.MaxDepth).Leaves(low, high, categories));
        }

        return forest;
    }

    /// <summary>Rows of values, compared value by value.</summary>
    private sealed class RowOrder : IComparer<IReadOnlyList<double>>
    {
        public static readonly RowOrder Instance = new();

        public int Compare(IReadOnlyList<double>? x, IReadOnlyList<double>? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                var c = x[i].CompareTo(y[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return x.Count.CompareTo(y.Count);
        }
    }

    /// <summary>One axis as the forest sees it: numeric values on their scale, or choices as indexes.</summary>
    /// <param name="Choices">The number of distinct choices of a categorical axis; 0 for a numeric one.</param>
    /// <param name="Points">Where marginals are read for <see cref="ParameterImportance.BestAt"/>: each tried value, placed.</param>
    /// <param name="Values">The tried values in original units, sorted, matching <paramref name="Points"/>.</param>
    private sealed record Column(AxisKind Kind, int Choices, double Low, double High, IReadOnlyList<double> Points, IReadOnlyList<double> Values)
    {
        public static Column Of(ImportanceAxis axis, IReadOnlyList<double> values)
        {
            if (values.Any(v => !double.IsFinite(v)) || (axis.Kind == AxisKind.Log && values.Any(v => v <= 0)))
            {
                throw new ArgumentException($"Axis '{axis.Name}' has a value its {axis.Kind} scale cannot place.", nameof(values));
            }

            var distinct = values.Distinct().Order().ToList();
            if (axis.Kind == AxisKind.Categorical)
            {
                var indexes = Enumerable.Range(0, distinct.Count).Select(i => (double)i).ToList();
                return new Column(axis.Kind, distinct.Count, 0, 0, indexes, distinct);
            }

            var points = distinct.Select(v => Scale(axis.Kind, v)).ToList();
            return new Column(axis.Kind, 0, points[0], points[^1], points, distinct);
        }

        public double Place(double value) => Kind == AxisKind.Categorical ? IndexOf(value) : Scale(Kind, value);

        public double Original(int point) => Values[point];

        private int IndexOf(double value)
        {
            for (var i = 0; i < Values.Count; i++)
            {
                if (Values[i].Equals(value))
                {
                    return i;
                }
            }

            throw new ArgumentOutOfRangeException(nameof(value));
        }

        private static double Scale(AxisKind kind, double value) => kind == AxisKind.Log ? Math.Log10(value) : value;
    }

    /// <summary>One tree's piecewise-constant function over the domain: its mean, variance and each axis's marginal.</summary>
    private sealed class TreeVariance
    {
        private readonly IReadOnlyList<TreeLeaf> _leaves;
        private readonly Column[] _columns;

        /// <summary>Per leaf and axis, the fraction of the axis's domain the leaf covers.</summary>
        private readonly double[][] _fractions;

        public TreeVariance(IReadOnlyList<TreeLeaf> leaves, Column[] columns)
        {
            _leaves = leaves;
            _columns = columns;
            _fractions = leaves.Select(leaf => columns.Select((c, i) => Fraction(leaf, c, i)).ToArray()).ToArray();
            var weights = _fractions.Select(f => f.Aggregate(1.0, (a, b) => a * b)).ToArray();
            Mean = leaves.Select((leaf, l) => weights[l] * leaf.Value).Sum();
            Variance = leaves.Select((leaf, l) => weights[l] * (leaf.Value - Mean) * (leaf.Value - Mean)).Sum();
        }

        public double Mean { get; }

        public double Variance { get; }

        /// <summary>The variance over axis <paramref name="axis"/> of the tree averaged over every other axis.</summary>
        public double MarginalVariance(int axis)
        {
            var column = _columns[axis];
            if (column.Kind == AxisKind.Categorical)
            {
                var variance = 0.0;
                for (var c = 0; c < column.Choices; c++)
                {
                    var m = MarginalAt(axis, c) - Mean;
                    variance += m * m / column.Choices;
                }

                return variance;
            }

            if (column.High <= column.Low)
            {
                return 0;
            }

            // The marginal is constant between consecutive leaf edges: sweep the edges with a difference array.
            var edges = _leaves.SelectMany(l => new[] { l.Low[axis], l.High[axis] }).Distinct().Order().ToArray();
            var steps = new double[edges.Length];
            for (var l = 0; l < _leaves.Count; l++)
            {
                var contribution = Others(l, axis) * _leaves[l].Value;
                steps[Array.BinarySearch(edges, _leaves[l].Low[axis])] += contribution;
                steps[Array.BinarySearch(edges, _leaves[l].High[axis])] -= contribution;
            }

            var (sum, total) = (0.0, 0.0);
            for (var e = 0; e < edges.Length - 1; e++)
            {
                sum += steps[e];
                var m = sum - Mean;
                total += (edges[e + 1] - edges[e]) / (column.High - column.Low) * m * m;
            }

            return total;
        }

        /// <summary>The tree's prediction at <paramref name="point"/> on one axis (placed; a choice index for a
        /// categorical axis), averaged over every other axis.</summary>
        public double MarginalAt(int axis, double point)
        {
            var column = _columns[axis];
            var sum = 0.0;
            for (var l = 0; l < _leaves.Count; l++)
            {
                var leaf = _leaves[l];
                var inside = column.Kind == AxisKind.Categorical
                    ? leaf.Allowed[axis]![(int)point]
                    : (leaf.Low[axis] < point || (leaf.Low[axis] <= column.Low && point <= column.Low)) && point <= leaf.High[axis];
                if (inside)
                {
                    sum += Others(l, axis) * leaf.Value;
                }
            }

            return sum;
        }

        private double Others(int leaf, int axis)
        {
            var product = 1.0;
            for (var j = 0; j < _columns.Length; j++)
            {
                if (j != axis)
                {
                    product *= _fractions[leaf][j];
                }
            }

            return product;
        }

        private static double Fraction(TreeLeaf leaf, Column column, int axis) =>
            column.Kind == AxisKind.Categorical ? (double)leaf.Allowed[axis]!.Count(a => a) / column.Choices
            : column.High <= column.Low ? 1
            : (leaf.High[axis] - leaf.Low[axis]) / (column.High - column.Low);
    }
}

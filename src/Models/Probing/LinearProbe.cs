using static TorchSharp.torch;

namespace LensSweep.Models.Probing;

/// <summary>
/// Multinomial logistic regression on standardised features: MAE's linear-probe head (a BatchNorm without
/// affine, then a linear layer) in its equivalent closed form, fitted full-batch on the train split.
/// </summary>
public static class LinearProbe
{
    /// <summary>Fits on <paramref name="train"/> and scores on <paramref name="heldOut"/>.</summary>
    public static ProbeScore Evaluate(FeatureSet train, FeatureSet heldOut, ProbeConfig config) =>
        Fit(train, config).Score(heldOut);

    public static FittedProbe Fit(FeatureSet train, ProbeConfig config)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid();
        train.Check(nameof(train));

        using var scope = NewDisposeScope();
        var x = tensor(train.Values, [train.Count, train.Dimension]);
        var mean = x.mean([0]);
        var std = x.std(0, unbiased: false);
        // A constant feature carries nothing; scale it by 1 (as scikit-learn's StandardScaler) instead of ~0.
        std = where(std.gt(1e-12), std, ones_like(std));
        var standardised = (x - mean) / std;
        var labels = tensor(train.Labels.Select(l => (long)l).ToArray());

        var weights = nn.Parameter(zeros(train.Dimension, train.ClassCount));
        var bias = nn.Parameter(zeros(train.ClassCount));
        using var optimizer = optim.Adam([weights, bias], config.LearningRate);
        for (var i = 0; i < config.Iterations; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var logits = standardised.matmul(weights) + bias;
            var loss = nn.functional.cross_entropy(logits, labels) + 0.5 * config.L2 * weights.square().sum();
            loss.backward();
            optimizer.step();
        }

        return new FittedProbe(
            mean.data<float>().ToArray(), std.data<float>().ToArray(),
            weights.detach().contiguous().data<float>().ToArray(), bias.detach().data<float>().ToArray(),
            train.Dimension, train.ClassCount);
    }
}

/// <summary>A fitted probe: the train split's feature mean and scale, and the linear layer.</summary>
public sealed class FittedProbe(float[] mean, float[] scale, float[] weights, float[] bias, int dimension, int classes)
{
    public int Dimension => dimension;

    public int ClassCount => classes;

    /// <summary>Softmax class probabilities, row-major rows × classes.</summary>
    public float[] Probabilities(FeatureSet features)
    {
        ArgumentNullException.ThrowIfNull(features);
        features.Check(nameof(features));
        if (features.Dimension != dimension)
            throw new ArgumentException($"Probe was fitted on {dimension} features; got {features.Dimension}.", nameof(features));

        using var scope = NewDisposeScope();
        var x = (tensor(features.Values, [features.Count, dimension]) - tensor(mean)) / tensor(scale);
        var logits = x.matmul(tensor(weights, [dimension, classes])) + tensor(bias);
        return logits.softmax(1).contiguous().data<float>().ToArray();
    }

    public ProbeScore Score(FeatureSet features)
    {
        var probabilities = Probabilities(features);
        var correct = 0;
        for (var i = 0; i < features.Count; i++)
        {
            var row = probabilities.AsSpan(i * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            if (best == features.Labels[i]) correct++;
        }

        return new ProbeScore(correct / (double)features.Count, RocAuc.MacroOneVsRest(probabilities, features.Labels, classes));
    }
}

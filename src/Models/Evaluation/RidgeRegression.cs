using static TorchSharp.torch;

namespace LensSweep.Models.Evaluation;

/// <summary>
/// Ridge regression of per-image truths on frozen features, in its dual (kernel) form so that a few hundred
/// images with tens of thousands of features cost one small n×n solve per λ: features are standardised
/// with the train split's mean and deviation, then centred again over the rows a target is fitted on (a truth only
/// some images have, such as the axion mass), as a ridge with an intercept is; targets are centred on their mean
/// over those rows, and λ is scaled by the mean diagonal of their Gram matrix so one grid fits every feature width.
/// </summary>
public sealed class RidgeRegression : IDisposable
{
    /// <summary>λ, relative to the mean diagonal of the train Gram matrix.</summary>
    public static IReadOnlyList<double> DefaultLambdas { get; } = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100];

    private readonly Tensor _train;
    private readonly Tensor _kernelTrain;
    private readonly Tensor[] _kernelHeldOut;

    /// <param name="train">Row-major train features.</param>
    /// <param name="heldOut">Row-major features of each held-out split (validation, test), same width.</param>
    public RidgeRegression(float[] train, int trainRows, IReadOnlyList<(float[] Values, int Rows)> heldOut, int dimension)
    {
        using var scope = NewDisposeScope();
        var x = tensor(train, [trainRows, dimension]).to(float64);
        var mean = x.mean([0], keepdim: true);
        var std = x.std(0, keepdim: true);
        std = where(std > 1e-12, std, ones_like(std));
        _train = ((x - mean) / std).MoveToOuterDisposeScope();
        _kernelTrain = _train.matmul(_train.t()).MoveToOuterDisposeScope();
        _kernelHeldOut = [.. heldOut.Select(h => (((tensor(h.Values, [h.Rows, dimension]).to(float64) - mean) / std).matmul(_train.t())).MoveToOuterDisposeScope())];
    }

    /// <summary>Predictions of one target for every λ: [λ][held-out split][row]. Only train rows in
    /// <paramref name="trainRows"/> (those with a known truth) are fitted.</summary>
    public double[][][] Predict(IReadOnlyList<int> trainRows, IReadOnlyList<double> truth, IReadOnlyList<double> lambdas)
    {
        using var scope = NewDisposeScope();
        var rows = tensor(trainRows.Select(r => (long)r).ToArray());
        var y = tensor(trainRows.Select(r => truth[r]).ToArray(), float64);
        var offset = y.mean().item<double>();
        // Centring the features over the fitted rows, in the kernel: (x − μ)·(x' − μ) = K − row mean − column mean + mean.
        var fittedKernel = _kernelTrain.index_select(0, rows).index_select(1, rows);
        var columnMean = fittedKernel.mean([0], keepdim: true);
        var grandMean = fittedKernel.mean();
        var kernel = fittedKernel - columnMean - columnMean.t() + grandMean;
        var scale = kernel.diagonal().mean().item<double>();
        var identity = eye(trainRows.Count, dtype: float64);
        var centred = (y - offset).unsqueeze(1);
        Tensor Centred(Tensor heldOut) => heldOut - heldOut.mean([1], keepdim: true) - columnMean + grandMean;
        var result = new double[lambdas.Count][][];
        for (var l = 0; l < lambdas.Count; l++)
        {
            var alpha = linalg.solve(kernel + (identity * (lambdas[l] * Math.Max(scale, 1e-12))), centred);
            result[l] = [.. _kernelHeldOut.Select(k => (Centred(k.index_select(1, rows)).matmul(alpha).squeeze(1) + offset).data<double>().ToArray())];
        }

        return result;
    }

    public void Dispose()
    {
        _train.Dispose();
        _kernelTrain.Dispose();
        foreach (var k in _kernelHeldOut)
        {
            k.Dispose();
        }
    }
}

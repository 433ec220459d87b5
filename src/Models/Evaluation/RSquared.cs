namespace LensSweep.Models.Evaluation;

/// <summary>The coefficient of determination, 1 − SS_res / SS_tot about the evaluated rows' own mean (as
/// scikit-learn's r2_score): 1 is perfect, 0 is predicting the mean, below 0 is worse than that.</summary>
public static class RSquared
{
    /// <summary>R² over the given rows; NaN when the truth does not vary over them (R² is undefined).</summary>
    public static double Of(IReadOnlyList<double> truth, IReadOnlyList<double> predicted, IReadOnlyList<int>? rows = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        var count = rows?.Count ?? truth.Count;
        if (count == 0)
        {
            return double.NaN;
        }

        double mean = 0;
        for (var k = 0; k < count; k++)
        {
            mean += truth[rows?[k] ?? k];
        }

        mean /= count;
        double residual = 0, total = 0;
        for (var k = 0; k < count; k++)
        {
            var i = rows?[k] ?? k;
            residual += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            total += (truth[i] - mean) * (truth[i] - mean);
        }

        return total <= 1e-300 ? double.NaN : 1 - (residual / total);
    }
}

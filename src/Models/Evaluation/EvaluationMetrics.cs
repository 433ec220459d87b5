using LensSweep.Models.Data;

namespace LensSweep.Models.Evaluation;

/// <summary>The names of the evaluations a trial gets, written once: the evaluation code produces them, and
/// the spec's metric grammar (Grains' <c>MetricNames</c>) accepts exactly these.</summary>
public static class EvaluationMetrics
{
    /// <summary>Macro one-vs-rest ROC-AUC of the frozen linear probe.</summary>
    public const string ProbeAuc = "probe_auc";

    /// <summary>Accuracy of the frozen linear probe.</summary>
    public const string ProbeAccuracy = "probe_accuracy";

    /// <summary>Mean masked-reconstruction loss at the trial's mask ratio (lower is better).</summary>
    public const string ReconLoss = "recon_loss";

    /// <summary>Mean R² over the seven macro-lens truths.</summary>
    public const string R2Macro = "r2_macro";

    /// <summary>The R² metric of one truth column, e.g. <c>r2_theta_e</c>.</summary>
    public static string R2Of(string truth) => "r2_" + truth;

    /// <summary>Every evaluation name, classification first.</summary>
    public static IReadOnlyList<string> All { get; } =
        [ProbeAuc, ProbeAccuracy, ReconLoss, R2Macro, .. LensTruths.All.Select(R2Of)];

    /// <summary>The truth columns a metric needs (none for the probe and the loss).</summary>
    public static IReadOnlyList<string> TruthsNeeded(string metric) =>
        metric == R2Macro ? LensTruths.Macro
        : metric.StartsWith("r2_", StringComparison.Ordinal) ? [metric[3..]]
        : [];

    /// <summary>What a gain's name adds to its evaluation's: <c>r2_macro_gain</c> is r2_macro's gain over the random-init encoder.</summary>
    public const string GainSuffix = "_gain";

    /// <summary>The name of <paramref name="metric"/>'s gain over random init.</summary>
    public static string GainOf(string metric) => metric + GainSuffix;

    public static bool IsGain(string metric) => metric.EndsWith(GainSuffix, StringComparison.Ordinal);

    /// <summary>True when lower is better.</summary>
    public static bool IsLoss(string metric) => metric == ReconLoss;
}

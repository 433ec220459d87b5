using LensSweep.Models.Evaluation;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Specs;

/// <summary>A metric as a study names it: an evaluation (<c>probe_auc</c>, <c>r2_macro</c>, …), or its gain
/// over the trial's own untrained encoder (<c>r2_macro_gain</c>).</summary>
/// <param name="Evaluation">The evaluation's canonical name (aliases resolved: <c>val_auc</c> is <c>probe_auc</c>).</param>
/// <param name="IsGain">True for the <c>_gain</c> form: the evaluation minus its random-init value.</param>
public readonly record struct MetricName(string Evaluation, bool IsGain)
{
    public const string GainSuffix = EvaluationMetrics.GainSuffix;

    public override string ToString() => IsGain ? Evaluation + GainSuffix : Evaluation;
}

/// <summary>The grammar of metric names, written once: the spec reader, the sweep and the console's
/// leaderboard all read a metric through it.</summary>
public static class MetricNames
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["val_auc"] = "probe_auc",
        ["val_accuracy"] = "probe_accuracy",
    };

    /// <summary>The evaluations a trial can be scored by.</summary>
    public static IReadOnlyList<string> Evaluations => EvaluationMetrics.All;

    /// <summary>Every name a spec may give as its metric: evaluations, aliases, and their gains.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. Evaluations.Concat(Aliases.Keys).SelectMany(name => new[] { name, name + MetricName.GainSuffix })];

    public static bool IsKnown(string name) => Evaluations.Contains(Parse(name).Evaluation);

    /// <summary>Whether a higher value is better: losses are minimised, every score and gain maximised.</summary>
    public static MetricMode DefaultMode(string name) =>
        Parse(name) is { IsGain: false } parsed && EvaluationMetrics.IsLoss(parsed.Evaluation) ? MetricMode.Min : MetricMode.Max;

    /// <summary>Splits off <c>_gain</c> and resolves an alias; does not check the evaluation exists.</summary>
    public static MetricName Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var isGain = name.EndsWith(MetricName.GainSuffix, StringComparison.Ordinal);
        var evaluation = isGain ? name[..^MetricName.GainSuffix.Length] : name;
        return new MetricName(Aliases.GetValueOrDefault(evaluation, evaluation), isGain);
    }

    /// <summary>An evaluation's value in <paramref name="metrics"/>; the probe's two scores also from the
    /// fields every trainer fills. NaN when the evaluation was not run.</summary>
    public static MetricReading Read(ProbeScores scores, string evaluation, bool test = false)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var metrics = test ? scores.Test : scores.Validation;
        if (metrics.TryGetValue(evaluation, out var reading))
        {
            return reading;
        }

        double? value = (evaluation, test) switch
        {
            ("probe_auc", false) => scores.ValAuc,
            ("probe_accuracy", false) => scores.ValAccuracy,
            ("probe_auc", true) => scores.TestAuc,
            ("probe_accuracy", true) => scores.TestAccuracy,
            _ => null,
        };
        return MetricReading.Of(value ?? double.NaN);
    }

    /// <summary>The value a study ranks by: the evaluation on validation, or for a gain what pretraining added
    /// to it over the trial's own untrained encoder (NaN when the trial has no epoch-0 scores). A gain the
    /// trainer bootstrapped paired (stored as <c>{evaluation}_gain</c>) is taken as it is; otherwise its
    /// interval is the evaluation's, shifted by the random-init value.</summary>
    public static MetricReading Score(MetricName metric, ProbeScores scores, ProbeScores? initial)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var reading = Read(scores, metric.Evaluation);
        if (!metric.IsGain)
        {
            return reading;
        }

        if (initial is null)
        {
            return MetricReading.Of(double.NaN);
        }

        if (scores.Validation.TryGetValue(EvaluationMetrics.GainOf(metric.Evaluation), out var paired))
        {
            return paired;
        }

        var gain = PairedGain.Of(metric.Evaluation, new MetricValue(reading.Value, reading.Low, reading.High), new MetricValue(Read(initial, metric.Evaluation).Value, double.NaN, double.NaN));
        return new MetricReading(gain.Value, gain.Low, gain.High);
    }

    /// <summary>True when <paramref name="a"/> ranks above <paramref name="b"/> (NaN ranks last).</summary>
    public static bool Better(double a, double b, MetricMode mode) =>
        !double.IsNaN(a) && (double.IsNaN(b) || (mode == MetricMode.Max ? a > b : a < b));
}

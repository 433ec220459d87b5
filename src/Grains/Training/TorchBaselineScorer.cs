using LensSweep.Grains.Baselines;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Probing;

namespace LensSweep.Grains.Training;

/// <summary>The real pixel baseline: the study's evaluations (probe and ridge) fitted on raw pixels of the
/// train split, scored on validation and test, on the same cached split every trial uses.</summary>
public sealed class TorchBaselineScorer(DatasetCache datasets) : IBaselineScorer
{
    public async Task<ProbeScores> ScorePixelsAsync(DatasetOptions dataset, ProbeSettings probe, CancellationToken cancellationToken)
    {
        var data = await datasets.GetAsync(dataset, cancellationToken).ConfigureAwait(false);
        var evaluation = EncoderEvaluation.EvaluatePixels(data, probe.ToEvaluationSettings(model: null));
        ProbeScore Probe(IReadOnlyDictionary<string, MetricValue> metrics) =>
            new(metrics[EvaluationMetrics.ProbeAccuracy].Value, metrics[EvaluationMetrics.ProbeAuc].Value);
        return TorchTrialTrainer.Scores(Probe(evaluation.Validation), Probe(evaluation.Test), evaluation);
    }
}

using LensSweep.Grains.Baselines;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using LensSweep.Models.Probing;

namespace LensSweep.Grains.Training;

/// <summary>The real pixel baseline: the study's probe fitted on raw pixels of the train split, scored on
/// validation and test, on the same cached split every trial uses.</summary>
public sealed class TorchBaselineScorer(DatasetCache datasets) : IBaselineScorer
{
    public async Task<ProbeScores> ScorePixelsAsync(DatasetOptions dataset, ProbeSettings probe, CancellationToken cancellationToken)
    {
        var data = await datasets.GetAsync(dataset, cancellationToken).ConfigureAwait(false);
        var fitted = LinearProbe.Fit(ProbeFeatures.FromPixels(data.Train), TorchTrialTrainer.ToProbeConfig(probe));
        var validation = fitted.Score(ProbeFeatures.FromPixels(data.Validation));
        var test = fitted.Score(ProbeFeatures.FromPixels(data.Test));
        return new ProbeScores(validation.MacroRocAuc, validation.Accuracy, test.MacroRocAuc, test.Accuracy);
    }
}

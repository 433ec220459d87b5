using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using LensSweep.Models.Simulation;

namespace LensSweep.Models.Tests.Evaluation;

public sealed class EncoderEvaluationTests
{
    private static readonly EvaluationSettings Settings = new() { Probe = new ProbeConfig { Iterations = 100 }, BootstrapResamples = 100 };

    private static DataSplit VariedLenses()
    {
        var data = new LensSimulator(SimulatorOptions.VariedMacroLens with { ImageSize = 32 }).Generate(20, seed: 5);
        ImageNormalizer.Apply(data);
        return DataSplitter.Split(data, 0.25, 0.25, seed: 5);
    }

    [Fact]
    public void An_untrained_encoder_on_varied_lenses_gets_every_evaluation_with_an_interval()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 1);

        var result = EncoderEvaluation.Evaluate(model, VariedLenses(), Settings, seed: 2);

        foreach (var metric in new[] { "probe_auc", "probe_accuracy", "recon_loss", "r2_macro", "r2_theta_e", "r2_source_x" })
        {
            var value = result.Validation[metric];
            Assert.True(double.IsFinite(value.Value), metric);
            Assert.True(value.Low <= value.Value + 1e-9 && value.Value <= value.High + 1e-9, $"{metric}: {value}");
            Assert.True(result.Test.ContainsKey(metric), metric);
        }
    }

    [Fact]
    public void An_ijepa_encoder_gets_every_evaluation_but_the_reconstruction_of_a_decoder_it_never_trained()
    {
        using var ijepa = new LensSweep.Models.Ijepa.IjepaModel(TinyModels.Config with { Objective = PretrainingObjective.Ijepa }, seed: 1);

        var result = EncoderEvaluation.Evaluate(ijepa.TargetEncoder, VariedLenses(), Settings, seed: 2);

        Assert.DoesNotContain("recon_loss", result.Validation.Keys);
        Assert.Contains("probe_auc", result.Validation.Keys);
        Assert.Contains("r2_macro", result.Test.Keys);
    }

    [Fact]
    public void The_evaluation_is_deterministic_for_a_seed()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 1);
        var data = VariedLenses();

        var first = EncoderEvaluation.Evaluate(model, data, Settings, seed: 2);
        var second = EncoderEvaluation.Evaluate(model, data, Settings, seed: 2);

        Assert.Equal(first.Validation.OrderBy(m => m.Key), second.Validation.OrderBy(m => m.Key));
    }

    [Fact]
    public void Data_without_truths_gets_no_regression_metrics()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 1);

        var result = EncoderEvaluation.Evaluate(model, TinyModels.Split(), Settings, seed: 2);

        Assert.DoesNotContain(result.Validation.Keys, k => k.StartsWith("r2_", StringComparison.Ordinal));
        Assert.Contains("probe_auc", result.Validation.Keys);
    }

    [Fact]
    public void Raw_pixels_get_the_probe_and_ridge_evaluations_but_no_reconstruction()
    {
        var result = EncoderEvaluation.EvaluatePixels(VariedLenses(), Settings);

        Assert.Contains("r2_macro", result.Validation.Keys);
        Assert.Contains("probe_auc", result.Validation.Keys);
        Assert.DoesNotContain("recon_loss", result.Validation.Keys);
    }

    [Fact]
    public void The_probe_pool_keeps_evenly_spaced_train_images_with_their_truths()
    {
        var data = VariedLenses();

        var pool = EncoderEvaluation.ProbePool(data, Settings with { MaxTrainImages = 10 });

        Assert.Equal(10, pool.Train.Count);
        var rows = Enumerable.Range(0, 10).Select(k => k * data.Train.Count / 10).ToArray();
        Assert.Equal(rows.Select(r => data.Train.Labels[r]), pool.Train.Labels);
        Assert.Equal(rows.Select(r => data.Train.Truths!.Columns[LensTruths.ThetaE][r]), pool.Train.Truths!.Columns[LensTruths.ThetaE]);
        Assert.Same(data.Validation, pool.Validation);
    }

    [Fact]
    public void A_probe_pool_as_large_as_the_train_split_leaves_the_split_as_it_is()
    {
        var data = VariedLenses();

        Assert.Same(data, EncoderEvaluation.ProbePool(data, Settings with { MaxTrainImages = data.Train.Count }));
    }

    [Fact]
    public void A_smaller_probe_pool_changes_the_probe_score()
    {
        using var model = new MaeModel(TinyModels.Config, seed: 1);
        var data = VariedLenses();
        var light = Settings with { Regression = false, Reconstruction = false, BootstrapResamples = 10 };

        var whole = EncoderEvaluation.Evaluate(model, data, light, seed: 2);
        var fewer = EncoderEvaluation.Evaluate(model, data, light with { MaxTrainImages = 6 }, seed: 2);

        Assert.NotEqual(whole.Validation["probe_auc"].Value, fewer.Validation["probe_auc"].Value);
    }
}

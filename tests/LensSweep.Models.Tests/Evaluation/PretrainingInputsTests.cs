using LensSweep.Models.Data;
using LensSweep.Models.Evaluation;
using LensSweep.Models.Probing;
using LensSweep.Models.Simulation;
using LensSweep.Models.Training;

namespace LensSweep.Models.Tests.Evaluation;

/// <summary>The pretraining cross-check scores LensSweep's side with the code a study runs, so it measures what a
/// study measures: its scores are those of <see cref="TrialRunner"/> for a trial of the same settings.</summary>
public sealed class PretrainingInputsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-pretraining-inputs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_cross_check_scores_are_the_study_trial_runner_scores_at_epoch_zero_and_after_the_rung()
    {
        var data = new LensSimulator(SimulatorOptions.VariedMacroLens with { ImageSize = 32 }).Generate(12, seed: 3);
        ImageNormalizer.Apply(data);
        var split = DataSplitter.Split(data, 0.25, 0.25, seed: 3);
        var settings = new EvaluationSettings { Probe = new ProbeConfig { Iterations = 20 }, BootstrapResamples = 10, Reconstruction = false };
        var optimizer = TinyModels.Optimizer with { TotalEpochs = 2 };

        var ours = PretrainingInputs.Write(_folder, split, split.Train, TinyModels.Config, optimizer, epochs: 2, seeds: [1], settings);

        var trial = new TrialSettings(TinyModels.Config, optimizer, settings.Probe, Seed: 1) { Evaluation = settings };
        var initial = TrialRunner.ScoreInitialWeights(trial, split, CancellationToken.None).Evaluation!;
        var trained = TrialRunner.Run(trial, split, 0, 2, null, Stream.Null, null, CancellationToken.None).Evaluation!;
        Assert.Equal(initial.Validation[EvaluationMetrics.R2Macro].Value, ours.RandomInit[EvaluationMetrics.R2Macro]);
        Assert.Equal(trained.Validation[EvaluationMetrics.R2Macro].Value, ours.Pretrained[EvaluationMetrics.R2Macro]);
        Assert.Equal(trained.Validation[EvaluationMetrics.ProbeAuc].Value, ours.Pretrained[EvaluationMetrics.ProbeAuc]);
    }
}

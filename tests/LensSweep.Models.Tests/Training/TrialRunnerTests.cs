using LensSweep.Models.Probing;
using LensSweep.Models.Training;

namespace LensSweep.Models.Tests.Training;

public sealed class TrialRunnerTests
{
    private static readonly TrialSettings Settings = new(TinyModels.Config, TinyModels.Optimizer, new ProbeConfig { Iterations = 100 }, Seed: 4);

    [Fact]
    public void Two_rungs_match_one_straight_run()
    {
        var data = TinyModels.Split();
        using var straightOut = new MemoryStream();
        var straight = TrialRunner.Run(Settings, data, 0, 2, null, straightOut, null, CancellationToken.None);

        using var firstOut = new MemoryStream();
        TrialRunner.Run(Settings, data, 0, 1, null, firstOut, null, CancellationToken.None);
        firstOut.Position = 0;
        using var secondOut = new MemoryStream();
        var second = TrialRunner.Run(Settings, data, 1, 2, firstOut, secondOut, null, CancellationToken.None);

        Assert.Equal(straight.Losses[1].MeanLoss, second.Losses.Single().MeanLoss, 1e-6);
        Assert.Equal(straight.Validation, second.Validation);
        Assert.Equal(straight.Test, second.Test);
    }

    [Fact]
    public void Rung_stopped_inside_an_epoch_and_resumed_writes_the_checkpoint_and_scores_of_a_straight_rung()
    {
        var data = TinyModels.Split();
        using var straightOut = new MemoryStream();
        var straight = TrialRunner.Run(Settings, data, 0, 2, null, straightOut, null, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var progress = new InlineProgress<TrainProgress>(p =>
        {
            if (p is { Epoch: 1, Step: 1 })
                stop.Cancel();
        });
        using var stoppedOut = new MemoryStream();
        var stopped = TrialRunner.RunStoppable(Settings, data, 0, 2, null, stoppedOut, probeAtEnd: true, progress, stop.Token, CancellationToken.None);
        stoppedOut.Position = 0;
        using var resumedOut = new MemoryStream();
        var resumed = TrialRunner.RunStoppable(Settings, data, 1, 2, stoppedOut, resumedOut, probeAtEnd: true, null, CancellationToken.None, CancellationToken.None);

        Assert.Equal(new TrainingPosition(1, 2), stopped.StoppedAt);
        Assert.Null(stopped.Validation);
        Assert.Null(resumed.StoppedAt);
        Assert.Equal(straightOut.ToArray(), resumedOut.ToArray());
        Assert.Equal(straight.Losses[1], resumed.Losses.Single());
        Assert.Equal(straight.Validation, resumed.Validation);
        Assert.Equal(straight.Test, resumed.Test);
    }

    [Fact]
    public void Pretraining_without_a_probe_writes_the_same_checkpoint_as_a_rung()
    {
        var data = TinyModels.Split();
        using var rungOut = new MemoryStream();
        var rung = TrialRunner.Run(Settings, data, 0, 1, null, rungOut, null, CancellationToken.None);
        using var pretrainOut = new MemoryStream();
        var (losses, cost) = TrialRunner.Pretrain(Settings, data, 0, 1, null, pretrainOut, null, CancellationToken.None);

        Assert.Equal(rungOut.ToArray(), pretrainOut.ToArray());
        Assert.Equal(rung.Losses, losses);
        Assert.Equal(rung.Cost.TrainingFlops, cost.TrainingFlops);
    }

    [Fact]
    public void Rung_reports_scores_losses_and_cost()
    {
        var data = TinyModels.Split();
        using var checkpoint = new MemoryStream();
        var result = TrialRunner.Run(Settings, data, 0, 1, null, checkpoint, null, CancellationToken.None);

        Assert.InRange(result.Validation.Accuracy, 0, 1);
        Assert.InRange(result.Test.MacroRocAuc, 0, 1);
        Assert.Equal(0, Assert.Single(result.Losses).Epoch);
        Assert.True(result.Cost.Seconds > 0);
        // 36 training images in batches of 8: 4 steps of 8 images.
        Assert.Equal(32 * LensSweep.Models.Mae.MaeCost.TrainingFlopsPerImage(TinyModels.Config), result.Cost.TrainingFlops, 1);
        Assert.True(checkpoint.Length > 0);
    }

    [Fact]
    public void The_untrained_encoder_is_the_one_a_rung_from_epoch_zero_starts_from()
    {
        var data = TinyModels.Split();
        var initial = TrialRunner.ScoreInitialWeights(Settings, data, CancellationToken.None);
        using var checkpoint = new MemoryStream();
        using var trainer = new MaeTrainer(Settings.Model, Settings.Optimizer, Settings.Seed);

        var (validation, _) = TrialRunner.ProbeEncoder(trainer.Model, data, Settings.Probe);

        Assert.Equal(validation, initial.Validation);
        Assert.Empty(initial.Losses);
        Assert.Equal(0, initial.Cost.TrainingFlops);
    }

    [Fact]
    public void Rung_after_the_first_needs_a_checkpoint()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TrialRunner.Run(Settings, TinyModels.Split(), 1, 2, null, new MemoryStream(), null, CancellationToken.None));
        Assert.Contains("needs the checkpoint", error.Message);
    }

    [Fact]
    public void Checkpoint_from_another_epoch_is_rejected()
    {
        var data = TinyModels.Split();
        using var firstOut = new MemoryStream();
        TrialRunner.Run(Settings, data, 0, 1, null, firstOut, null, CancellationToken.None);
        firstOut.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() =>
            TrialRunner.Run(Settings, data, 2, 3, firstOut, new MemoryStream(), null, CancellationToken.None));
        Assert.Contains("Checkpoint is at epoch 1, but the rung starts at epoch 2", error.Message);
    }

    [Fact]
    public void Invalid_settings_are_rejected_before_any_work()
    {
        var bad = Settings with { Model = TinyModels.Config with { PatchSize = 5 }, Optimizer = TinyModels.Optimizer with { BatchSize = 0 } };
        var error = Assert.Throws<ArgumentException>(() =>
            TrialRunner.Run(bad, TinyModels.Split(), 0, 1, null, new MemoryStream(), null, CancellationToken.None));
        Assert.Contains("PatchSize 5 does not divide ImageSize 32", error.Message);
        Assert.Contains("BatchSize must be positive", error.Message);
    }

    [Fact]
    public void Probe_layers_deeper_than_the_encoder_are_rejected_before_any_work()
    {
        var bad = Settings with { Probe = Settings.Probe with { EncoderLayers = [0, 2] } };
        var error = Assert.Throws<ArgumentException>(() =>
            TrialRunner.Run(bad, TinyModels.Split(), 0, 1, null, new MemoryStream(), null, CancellationToken.None));
        Assert.Contains("EncoderLayers 2 do not exist", error.Message);
    }

    [Fact]
    public void Experiment_reports_the_probe_beside_both_baselines()
    {
        var report = PretrainProbeExperiment.Run(Settings, TinyModels.Split(), epochs: 2);
        Assert.Equal(2, report.Pretrained.Losses.Count);
        Assert.InRange(report.RandomEncoderTest.Accuracy, 0, 1);
        Assert.InRange(report.RawPixelsTest.Accuracy, 0, 1);
        var table = report.Format();
        Assert.Contains("random encoder", table);
        Assert.Contains("raw pixels", table);
    }

    [Fact]
    public void Unlabelled_pool_adds_pretraining_steps_but_not_probe_rows()
    {
        var split = TinyModels.Split();
        var alone = PretrainProbeExperiment.Run(Settings, split, epochs: 1);
        var pooled = PretrainProbeExperiment.Run(Settings, split, epochs: 1, unlabelledPool: TinyModels.Dataset(perClass: 8, seed: 9));

        // 36 train images give 4 batches of 8; with 24 pool images, 7.
        Assert.Equal(alone.Pretrained.Cost.TrainingFlops * 7 / 4, pooled.Pretrained.Cost.TrainingFlops, 6);
        // The pool changes only the encoder: the raw-pixel probe, fitted on the train split alone, is the same.
        Assert.Equal(alone.RawPixelsTest, pooled.RawPixelsTest);
    }
}

using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using LensSweep.Models.Training;

namespace LensSweep.Models.Tests.Training;

public sealed class IjepaTrainerTests
{
    private static readonly LensDataset Data = TinyModels.Dataset(perClass: 8, seed: 3);   // 24 images, 3 steps per epoch
    private static readonly MaeConfig Ijepa = TinyModels.Config with { Objective = PretrainingObjective.Ijepa };

    [Fact]
    public void Resuming_an_ijepa_checkpoint_gives_the_checkpoint_of_training_straight_through()
    {
        using var straight = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 2);
        var straightRun = straight.Train(Data, toEpoch: 2);

        using var checkpoint = new MemoryStream();
        using (var first = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 2))
        {
            first.Train(Data, toEpoch: 1);
            first.SaveCheckpoint(checkpoint);
        }

        checkpoint.Position = 0;
        using var resumed = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 2);
        resumed.LoadCheckpoint(checkpoint);
        var resumedRun = resumed.Train(Data, toEpoch: 2);

        // The checkpoint holds the context encoder, the EMA target encoder, the predictor and AdamW's state:
        // byte equality covers every one of them.
        Assert.Equal(straightRun.Losses[1], resumedRun.Losses.Single());
        Assert.Equal(CheckpointBytes(straight), CheckpointBytes(resumed));
    }

    [Fact]
    public void Stopping_ijepa_inside_an_epoch_and_resuming_gives_the_checkpoint_of_an_uninterrupted_run()
    {
        using var straight = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 2);
        straight.Train(Data, toEpoch: 2);

        using var checkpoint = new MemoryStream();
        using (var first = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 2))
        {
            using var stop = new CancellationTokenSource();
            first.Train(Data, toEpoch: 2, new InlineProgress<TrainProgress>(p =>
            {
                if (p is { Epoch: 0, Step: 1 }) stop.Cancel();
            }), CancellationToken.None, stop.Token);
            first.SaveCheckpoint(checkpoint);
        }

        checkpoint.Position = 0;
        using var resumed = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 2);
        resumed.LoadCheckpoint(checkpoint);
        resumed.Train(Data, toEpoch: 2);

        Assert.Equal(CheckpointBytes(straight), CheckpointBytes(resumed));
    }

    [Fact]
    public void Ijepa_training_is_deterministic_for_a_seed()
    {
        using var a = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 5);
        using var b = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 5);
        using var other = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 6);

        a.Train(Data, toEpoch: 1);
        b.Train(Data, toEpoch: 1);
        other.Train(Data, toEpoch: 1);

        Assert.Equal(CheckpointBytes(a), CheckpointBytes(b));
        Assert.NotEqual(CheckpointBytes(a), CheckpointBytes(other));
    }

    [Fact]
    public void Ijepa_training_moves_the_encoder_that_evaluations_read()
    {
        using var trainer = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 1);
        var before = trainer.Model.parameters().Select(p => p.clone()).ToList();

        trainer.Train(Data, toEpoch: 1);

        Assert.Contains(trainer.Model.parameters().Zip(before), pair => !pair.First.equal(pair.Second).all().item<bool>());
    }

    [Theory]
    [InlineData(PretrainingObjective.Mae, PretrainingObjective.Ijepa)]
    [InlineData(PretrainingObjective.Ijepa, PretrainingObjective.Mae)]
    public void A_checkpoint_of_one_objective_is_refused_by_a_trainer_of_the_other(PretrainingObjective written, PretrainingObjective resumedAs)
    {
        using var checkpoint = new MemoryStream();
        using (var first = new MaeTrainer(TinyModels.Config with { Objective = written }, TinyModels.Optimizer, seed: 1))
            first.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;
        using var other = new MaeTrainer(TinyModels.Config with { Objective = resumedAs }, TinyModels.Optimizer, seed: 1);

        var error = Assert.Throws<InvalidDataException>(() => other.LoadCheckpoint(checkpoint));

        Assert.Contains($"objective '{MaeChoiceNames.Of(written)}' and cannot be resumed as '{MaeChoiceNames.Of(resumedAs)}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_records_the_ijepa_objective()
    {
        using var trainer = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 1);
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        Assert.Equal(PretrainingObjective.Ijepa, MaeCheckpoint.ReadHeader(checkpoint).Model.Objective);
    }

    [Fact]
    public void An_ijepa_checkpoint_reads_back_as_its_target_encoder()
    {
        using var trainer = new MaeTrainer(Ijepa, TinyModels.Optimizer, seed: 1);
        trainer.Train(Data, toEpoch: 1);
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        using var loaded = TrainedEncoder.Load(checkpoint);

        foreach (var ((name, a), (_, b)) in trainer.Model.named_parameters().Zip(loaded.Model.named_parameters()))
            Assert.True(a.equal(b).all().item<bool>(), $"parameter {name} differs after reading the checkpoint back");
    }

    [Fact]
    public void An_ijepa_trial_rung_trains_and_scores_its_encoder_with_the_probe()
    {
        var settings = new TrialSettings(Ijepa, TinyModels.Optimizer, new ProbeConfig { Iterations = 100 }, Seed: 4);
        using var checkpoint = new MemoryStream();

        var rung = TrialRunner.Run(settings, TinyModels.Split(), 0, 1, null, checkpoint, null, CancellationToken.None);

        Assert.True(double.IsFinite(rung.Losses.Single().MeanLoss));
        Assert.InRange(rung.Validation.MacroRocAuc, 0, 1);
    }

    private static byte[] CheckpointBytes(MaeTrainer trainer)
    {
        using var stream = new MemoryStream();
        trainer.SaveCheckpoint(stream);
        return stream.ToArray();
    }
}

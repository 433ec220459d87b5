using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;
using static TorchSharp.torch;

namespace LensSweep.Models.Tests.Training;

public sealed class MaeTrainerTests
{
    private static readonly LensDataset Data = TinyModels.Dataset(perClass: 8, seed: 3);   // 24 images, 3 steps per epoch

    [Fact]
    public void Resume_from_checkpoint_matches_straight_training()
    {
        using var straight = NewTrainer();
        var straightRun = straight.Train(Data, toEpoch: 2);

        using var checkpoint = new MemoryStream();
        using (var first = NewTrainer())
        {
            first.Train(Data, toEpoch: 1);
            first.SaveCheckpoint(checkpoint);
        }

        checkpoint.Position = 0;
        using var resumed = NewTrainer();
        resumed.LoadCheckpoint(checkpoint);
        var resumedRun = resumed.Train(Data, toEpoch: 2);

        Assert.Equal(2, resumed.CompletedEpochs);
        Assert.Equal(straightRun.Losses[1].MeanLoss, resumedRun.Losses.Single().MeanLoss, 1e-6);
        foreach (var ((name, a), (_, b)) in straight.Model.named_parameters().Zip(resumed.Model.named_parameters()))
            Assert.True(a.allclose(b, rtol: 0, atol: 1e-6), $"parameter {name} differs after resume");
        Assert.Equal(straight.CompletedSteps, resumed.CompletedSteps);
    }

    [Fact]
    public void Stopping_inside_an_epoch_and_resuming_from_the_checkpoint_gives_the_weights_of_an_uninterrupted_run()
    {
        using var straight = NewTrainer();
        var straightRun = straight.Train(Data, toEpoch: 3);

        using var checkpoint = new MemoryStream();
        using (var first = NewTrainer())
        {
            using var stop = new CancellationTokenSource();
            var progress = new InlineProgress<TrainProgress>(p =>
            {
                if (p is { Epoch: 1, Step: 0 })
                    stop.Cancel();
            });
            var stopped = first.Train(Data, toEpoch: 3, progress, CancellationToken.None, stop.Token);
            Assert.Equal(new TrainingPosition(1, 1), stopped.StoppedAt);
            first.SaveCheckpoint(checkpoint);
        }

        checkpoint.Position = 0;
        using var resumed = NewTrainer();
        resumed.LoadCheckpoint(checkpoint);
        Assert.Equal((1, 1), (resumed.CompletedEpochs, resumed.StepInEpoch));
        var resumedRun = resumed.Train(Data, toEpoch: 3);

        // Epoch 2 trains on after the resumed epoch, so it also proves the optimiser state was restored.
        Assert.Equal(straightRun.Losses.Skip(1), resumedRun.Losses);
        Assert.Equal(straight.CompletedSteps, resumed.CompletedSteps);
        foreach (var ((name, a), (_, b)) in straight.Model.named_parameters().Zip(resumed.Model.named_parameters()))
            Assert.True(a.equal(b).all().item<bool>(), $"parameter {name} differs after a mid-epoch resume");
    }

    [Fact]
    public void Training_stops_before_the_next_step_once_asked_and_says_where()
    {
        using var trainer = NewTrainer();
        using var stop = new CancellationTokenSource();
        var steps = 0;
        var progress = new InlineProgress<TrainProgress>(_ =>
        {
            if (++steps == 2)
                stop.Cancel();
        });

        var run = trainer.Train(Data, toEpoch: 2, progress, CancellationToken.None, stop.Token);

        Assert.Equal(new TrainingPosition(0, 2), run.StoppedAt);
        Assert.Equal(2, run.Steps);
        Assert.Empty(run.Losses);
        Assert.Equal((0, 2), (trainer.CompletedEpochs, trainer.StepInEpoch));
    }

    [Fact]
    public void Mid_epoch_checkpoint_records_its_step_in_the_header()
    {
        using var trainer = NewTrainer();
        using var stop = new CancellationTokenSource();
        trainer.Train(Data, toEpoch: 1, new InlineProgress<TrainProgress>(_ => stop.Cancel()), CancellationToken.None, stop.Token);
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        var header = MaeCheckpoint.ReadHeader(checkpoint);

        Assert.Equal((0, 1L, 1, 3), (header.Epoch, header.Steps, header.StepInEpoch, header.StepsPerEpoch));
        Assert.True(header.IsMidEpoch);
    }

    [Fact]
    public void Trainer_cancelled_inside_an_epoch_saves_a_checkpoint_that_says_where()
    {
        using var trainer = NewTrainer();
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => trainer.Train(Data, toEpoch: 1, new InlineProgress<TrainProgress>(_ => cancel.Cancel()), cancel.Token));
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        var header = MaeCheckpoint.ReadHeader(checkpoint);

        Assert.Equal((0, 1, 3), (header.Epoch, header.StepInEpoch, header.StepsPerEpoch));
    }

    [Fact]
    public void Mid_epoch_checkpoint_cannot_resume_on_data_with_another_epoch_length()
    {
        using var checkpoint = new MemoryStream();
        using (var trainer = NewTrainer())
        {
            using var stop = new CancellationTokenSource();
            trainer.Train(Data, toEpoch: 1, new InlineProgress<TrainProgress>(_ => stop.Cancel()), CancellationToken.None, stop.Token);
            trainer.SaveCheckpoint(checkpoint);
        }

        checkpoint.Position = 0;
        using var resumed = NewTrainer();
        resumed.LoadCheckpoint(checkpoint);
        var error = Assert.Throws<ArgumentException>(() => resumed.Train(TinyModels.Dataset(perClass: 16, seed: 3), toEpoch: 1));
        Assert.Contains("step 1 of an epoch of 3 steps, but this dataset gives 6 steps per epoch", error.Message);
    }

    [Fact]
    public void Checkpoint_round_trip_restores_weights_and_epoch()
    {
        using var trainer = NewTrainer();
        trainer.Train(Data, toEpoch: 1);
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);

        checkpoint.Position = 0;
        using var restored = NewTrainer();
        restored.LoadCheckpoint(checkpoint);

        Assert.Equal(1, restored.CompletedEpochs);
        foreach (var (a, b) in trainer.Model.parameters().Zip(restored.Model.parameters()))
            Assert.True(a.equal(b).all().item<bool>());
    }

    [Fact]
    public void Checkpoint_header_can_be_read_without_a_model()
    {
        using var trainer = NewTrainer();
        trainer.Train(Data, toEpoch: 1);
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        var header = MaeCheckpoint.ReadHeader(checkpoint);
        Assert.Equal(new CheckpointHeader(TinyModels.Config, TinyModels.Optimizer, 11, 1, 3), header);
    }

    [Fact]
    public void Checkpoint_for_a_different_config_is_rejected_naming_the_difference()
    {
        using var trainer = NewTrainer();
        using var checkpoint = new MemoryStream();
        trainer.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;

        using var other = new MaeTrainer(TinyModels.Config with { EmbedDim = 64 }, TinyModels.Optimizer, seed: 11);
        var error = Assert.Throws<InvalidDataException>(() => other.LoadCheckpoint(checkpoint));
        Assert.Contains("MaeConfig.EmbedDim: checkpoint 32, trainer 64", error.Message);
    }

    [Fact]
    public void Stream_that_is_not_a_checkpoint_is_rejected()
    {
        using var trainer = NewTrainer();
        using var junk = new MemoryStream("definitely not a checkpoint"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(junk));
        Assert.Contains("not a LensSweep MAE checkpoint", error.Message);
    }

    [Fact]
    public void Loss_decreases_on_a_fixed_batch()
    {
        using var scope = NewDisposeScope();
        using var model = new MaeModel(TinyModels.Config, seed: 2);
        using var step = new MaeTrainingStep(model, TinyModels.Optimizer);
        var images = tensor(Data.Images.AsSpan(0, 8 * 32 * 32).ToArray(), [8, 1, 32, 32]);
        var losses = new List<float>();
        for (var i = 0; i < 40; i++)
        {
            // The same masking every step, so only the weights change.
            using var noise = new Generator(99, CPU);
            losses.Add(step.Run(images, noise, 3e-3));
        }

        Assert.True(losses[^1] < 0.7 * losses[0], $"loss went from {losses[0]} to {losses[^1]}");
    }

    [Fact]
    public void Cancellation_stops_training_within_one_step()
    {
        using var trainer = NewTrainer();
        using var cancel = new CancellationTokenSource();
        var steps = 0;
        var progress = new InlineProgress<TrainProgress>(_ =>
        {
            steps++;
            cancel.Cancel();
        });

        Assert.Throws<OperationCanceledException>(() => trainer.Train(Data, toEpoch: 2, progress, cancel.Token));
        Assert.Equal(1, steps);
        Assert.Equal(0, trainer.CompletedEpochs);
    }

    [Fact]
    public void Nan_loss_stops_the_run_saying_where()
    {
        var poisoned = Data with { Images = (float[])Data.Images.Clone() };
        Array.Fill(poisoned.Images, float.NaN);
        using var trainer = NewTrainer();

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(poisoned, toEpoch: 1));
        Assert.Equal((0, 0), (error.Epoch, error.Step));
        Assert.Contains("epoch 0, step 0", error.Message);
    }

    [Fact]
    public void Huge_learning_rate_diverges_instead_of_training_on_garbage()
    {
        // No weight decay: with it, lr·wd ≥ 1 is refused as a configuration before any step is trained.
        using var trainer = new MaeTrainer(TinyModels.Config, TinyModels.Optimizer with { LearningRate = 1e30, WeightDecay = 0 }, seed: 11);
        Assert.Throws<TrainingDivergedException>(() => trainer.Train(Data, toEpoch: 4));
    }

    [Fact]
    public void Progress_reports_every_step_with_its_epoch_and_throughput()
    {
        using var trainer = NewTrainer();
        var reports = new List<TrainProgress>();
        trainer.Train(Data, toEpoch: 2, new InlineProgress<TrainProgress>(reports.Add));
        Assert.Equal([(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)], reports.Select(r => (r.Epoch, r.Step)));
        Assert.All(reports, r => Assert.True(r.ImagesPerSecond > 0));
    }

    [Fact]
    public void Training_past_the_schedule_end_is_rejected()
    {
        using var trainer = NewTrainer();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Train(Data, toEpoch: 5));
        Assert.Contains("TotalEpochs = 4", error.Message);
    }

    [Fact]
    public void Dataset_of_the_wrong_image_size_is_rejected()
    {
        using var trainer = NewTrainer();
        var error = Assert.Throws<ArgumentException>(() => trainer.Train(TinyModels.Dataset(2, 0, size: 16), toEpoch: 1));
        Assert.Contains("1×16×16 but the MAE expects 1×32×32", error.Message);
    }

    [Fact]
    public void Cuda_device_parses_when_present_and_is_a_clear_error_when_not()
    {
        if (cuda.is_available())
        {
            Assert.Equal(TorchSharp.DeviceType.CUDA, TrainingDevice.Parse("cuda:0").type);
            return;
        }

        var error = Assert.Throws<InvalidOperationException>(() => TrainingDevice.Parse("cuda:0"));
        Assert.Contains("CUDA is not available", error.Message);
    }

    [Theory]
    [InlineData("gpu0")]
    [InlineData("cuda:x")]
    public void Unknown_device_names_are_rejected(string name) =>
        Assert.Throws<ArgumentException>(() => TrainingDevice.Parse(name));

    [Fact]
    public void Cpu_device_slot_names_map_to_the_cpu() =>
        Assert.Equal(TorchSharp.DeviceType.CPU, TrainingDevice.Parse("cpu:3").type);

    private static MaeTrainer NewTrainer() => new(TinyModels.Config, TinyModels.Optimizer, seed: 11);
}

using LensSweep.Models.Data;
using LensSweep.Models.Finetuning;
using LensSweep.Models.Mae;

namespace LensSweep.Models.Tests.Finetuning;

public sealed class FinetuneTrainerTests
{
    private static readonly FinetuneSettings Settings = new(
        new LpFtSchedule { ProbeEpochs = 1, FinetuneEpochs = 2, ProbeLearningRate = 1e-2, FinetuneLearningRate = 1e-3 },
        BatchSize: 8, WeightDecay: 0.01, Seed: 5);

    private static readonly DataSplit Split = TinyModels.Split(perClass: 6);

    private static float[] Targets(LensDataset data) => [.. data.Labels.Select(l => (float)l)];

    private static FinetuneTrainer Trainer(Contender contender = Contender.Pretrained, FinetuneSettings? settings = null)
    {
        using var encoder = new MaeModel(TinyModels.Config, seed: 3);
        return new FinetuneTrainer(DownstreamRun.Build(contender, encoder, outputs: 3, seed: 5), DownstreamTask.Classification, 3, settings ?? Settings);
    }

    private static FinetuneEpoch Epoch(FinetuneTrainer trainer) =>
        trainer.TrainEpoch(Split.Train, Targets(Split.Train), Split.Validation, Targets(Split.Validation));

    [Fact]
    public void Resuming_from_a_checkpoint_gives_the_predictions_of_training_straight_through()
    {
        using var straight = Trainer();
        Epoch(straight);
        Epoch(straight);
        using var first = Trainer();
        Epoch(first);
        using var checkpoint = new MemoryStream();
        first.Save(checkpoint);
        checkpoint.Position = 0;

        using var resumed = Trainer();
        resumed.Load(checkpoint);
        Epoch(resumed);

        Assert.Equal(straight.History, resumed.History);
        Assert.Equal(straight.Predict(Split.Test, false), resumed.Predict(Split.Test, false));
    }

    [Fact]
    public void A_probe_epoch_leaves_the_encoder_as_it_was()
    {
        using var encoder = new MaeModel(TinyModels.Config, seed: 3);
        var before = encoder.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var trainer = new FinetuneTrainer(DownstreamRun.Build(Contender.Pretrained, encoder, 3, 5), DownstreamTask.Classification, 3, Settings);
        using var network = new MemoryStream();

        Epoch(trainer);

        // Read the trained network back into a fresh one and compare its encoder with the weights it started from.
        using var copy = DownstreamRun.Build(Contender.Pretrained, encoder, 3, 5);
        trainer.Save(network);
        network.Position = 0;
        using var reread = new FinetuneTrainer(copy, DownstreamTask.Classification, 3, Settings);
        reread.Load(network);
        var after = copy.state_dict();
        Assert.All(before, p => Assert.True(p.Value.equal(after["encoder." + p.Key]).all().item<bool>(), p.Key));
    }

    [Fact]
    public void A_fine_tuning_epoch_changes_the_encoder()
    {
        using var encoder = new MaeModel(TinyModels.Config, seed: 3);
        using var network = DownstreamRun.Build(Contender.Pretrained, encoder, 3, 5);
        var before = network.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var trainer = new FinetuneTrainer(network, DownstreamTask.Classification, 3, Settings with { Schedule = Settings.Schedule with { ProbeEpochs = 0 } });

        Epoch(trainer);

        Assert.False(before["encoder.norm.weight"].equal(network.state_dict()["encoder.norm.weight"]).all().item<bool>());
    }

    [Fact]
    public void A_checkpoint_of_other_settings_is_refused()
    {
        using var trainer = Trainer();
        using var checkpoint = new MemoryStream();
        trainer.Save(checkpoint);
        checkpoint.Position = 0;
        using var other = Trainer(settings: Settings with { Seed = 6 });

        Assert.Throws<InvalidDataException>(() => other.Load(checkpoint));
    }

    [Fact]
    public void Training_lowers_the_loss_of_the_cnn_baseline()
    {
        using var trainer = Trainer(Contender.SupervisedCnn, DownstreamRun.SettingsFor(Contender.SupervisedCnn, Settings with { Schedule = Settings.Schedule with { FinetuneEpochs = 5 } }));

        var epochs = Enumerable.Range(0, 6).Select(_ => Epoch(trainer)).ToList();

        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss, string.Join(", ", epochs.Select(e => e.TrainLoss)));
    }

    [Fact]
    public void Probabilities_of_each_image_sum_to_one()
    {
        using var trainer = Trainer();

        var probabilities = trainer.Predict(Split.Test, testTimeAugmentation: true);

        Assert.All(probabilities.Chunk(3), row => Assert.Equal(1.0, row.Sum(), 4));
    }

    [Fact]
    public void The_cnn_baseline_is_about_the_size_of_the_encoder()
    {
        using var encoder = new MaeModel(TinyModels.Config, seed: 3);
        using var cnn = DownstreamRun.Build(Contender.SupervisedCnn, encoder, 3, 5);

        var ratio = cnn.BackboneParameterCount / (double)DownstreamNetwork.EncoderParameterCount(encoder);

        Assert.InRange(ratio, 0.8, 1.25);
    }

    [Fact]
    public void A_rerun_in_the_same_folder_continues_where_the_last_stopped()
    {
        var folder = Directory.CreateTempSubdirectory("lenssweep-finetune-").FullName;
        try
        {
            using var encoder = new MaeModel(TinyModels.Config, seed: 3);
            var data = new DownstreamData(Split.Train, Targets(Split.Train), Split.Validation, Targets(Split.Validation), Split.Test);
            var shortRun = Settings with { Schedule = Settings.Schedule with { FinetuneEpochs = 0 } };
            DownstreamRun.Run(Contender.Pretrained, DownstreamRun.Build(Contender.Pretrained, encoder, 3, 5), DownstreamTask.Classification, 3, shortRun, data, folder, false);
            // The first run's checkpoint is of a one-epoch schedule; make it the start of the three-epoch one.
            using (var trainer = Trainer())
            {
                using (var file = File.OpenRead(Path.Combine(folder, "pretrained", DownstreamRun.LatestFile)))
                    Assert.Throws<InvalidDataException>(() => trainer.Load(file));
                Epoch(trainer);
                using var latest = File.Create(Path.Combine(folder, "pretrained", DownstreamRun.LatestFile));
                trainer.Save(latest);
            }

            var result = DownstreamRun.Run(Contender.Pretrained, DownstreamRun.Build(Contender.Pretrained, encoder, 3, 5), DownstreamTask.Classification, 3, Settings, data, folder, false);

            Assert.Equal((1, 3), (result.ResumedFromEpoch, result.History.Count));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_split_that_leaves_one_image_for_the_last_batch_still_trains()
    {
        // 18 training images in batches of 17: a last batch of one, which batch norm cannot standardise.
        using var trainer = Trainer(settings: Settings with { BatchSize = 17 });

        var epoch = Epoch(trainer);

        Assert.True(double.IsFinite(epoch.TrainLoss));
    }

    [Fact]
    public void The_linear_probe_fits_the_training_images_of_separable_classes()
    {
        using var trainer = Trainer(settings: Settings with { Schedule = Settings.Schedule with { ProbeEpochs = 8, FinetuneEpochs = 0 }, Augment = false });

        for (var e = 0; e < 8; e++)
            Epoch(trainer);

        Assert.True(LensSweep.Models.Probing.Accuracy.Of(trainer.Predict(Split.Train, false), Split.Train.Labels, 3) > 0.8);
    }

    [Fact]
    public void Region_pooling_predicts_with_every_contender()
    {
        using var encoder = new MaeModel(TinyModels.Config, seed: 3);
        foreach (var contender in DownstreamRun.Contenders)
        {
            using var trainer = new FinetuneTrainer(DownstreamRun.Build(contender, encoder, 3, 5, regionGrid: 2), DownstreamTask.Classification, 3, Settings);

            Assert.Equal(Split.Test.Count * 3, trainer.Predict(Split.Test, false).Length);
        }
    }

    [Fact]
    public void A_region_grid_that_does_not_divide_the_patch_grid_is_refused()
    {
        using var encoder = new MaeModel(TinyModels.Config, seed: 3);

        Assert.Throws<ArgumentException>(() => DownstreamNetwork.OnEncoder(encoder, 3, 5, regionGrid: 3));
    }
}

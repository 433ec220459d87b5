using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Training;

namespace LensSweep.Models.Finetuning;

/// <summary>A downstream task's labelled splits; targets are class indices or standardised values, per image.</summary>
public sealed record DownstreamData(LensDataset Train, float[] TrainTargets, LensDataset Validation, float[] ValidationTargets, LensDataset Test);

/// <summary>One contender trained to the end of its schedule and read at its best validation epoch.</summary>
/// <param name="History">Every epoch trained, in order (those of earlier runs that were resumed included).</param>
/// <param name="ResumedFromEpoch">Epochs already done when this run started (0 for a fresh start).</param>
/// <param name="Validation">Predictions for the validation images at <paramref name="BestEpoch"/>.</param>
/// <param name="Test">Predictions for the test images at <paramref name="BestEpoch"/>: read once, at the end.</param>
public sealed record ContenderResult(
    Contender Contender,
    long BackboneParameters,
    IReadOnlyList<FinetuneEpoch> History,
    int BestEpoch,
    int ResumedFromEpoch,
    float[] Validation,
    float[] Test);

/// <summary>
/// The contenders of a downstream task and how each is trained: built from the seed, trained epoch by epoch with
/// a checkpoint after each (<c>{folder}/{contender}/latest.ckpt</c>, and <c>best.ckpt</c> whenever validation
/// improves), resumed from the latest when one is there, and scored at the best validation epoch.
/// </summary>
public static class DownstreamRun
{
    public const string LatestFile = "latest.ckpt";
    public const string BestFile = "best.ckpt";

    /// <summary>Every contender, in the order they are trained and reported.</summary>
    public static IReadOnlyList<Contender> Contenders { get; } = [Contender.Pretrained, Contender.RandomInit, Contender.SupervisedCnn];

    /// <summary>The contender's name in folders, JSON and plots.</summary>
    public static string NameOf(Contender contender) => contender switch
    {
        Contender.Pretrained => "pretrained",
        Contender.RandomInit => "random_init",
        _ => "supervised_cnn",
    };

    /// <summary>The network a contender starts from: a copy of <paramref name="pretrained"/>, a fresh encoder of
    /// its configuration, or a <see cref="SmallCnn"/> of about its encoder's size; a head of
    /// <paramref name="outputs"/> on top. Every weight not copied is drawn from <paramref name="seed"/>.</summary>
    /// <param name="regionGrid">Every contender's head reads its features averaged over this grid of image regions (1: one mean).</param>
    public static DownstreamNetwork Build(Contender contender, MaeModel pretrained, int outputs, long seed, int regionGrid = 1)
    {
        var (encoder, cnn, headSeed) = Backbone(contender, pretrained, seed);
        return encoder is not null
            ? DownstreamNetwork.OnEncoder(encoder, outputs, headSeed, regionGrid)
            : DownstreamNetwork.OnCnn(cnn!, outputs, headSeed, regionGrid);
    }

    /// <summary>As <see cref="Build"/>, with an <see cref="UpsamplingHead"/> of <paramref name="factor"/> on the backbone.</summary>
    public static DownstreamNetwork BuildUpsampling(Contender contender, MaeModel pretrained, int factor, long seed)
    {
        var (encoder, cnn, headSeed) = Backbone(contender, pretrained, seed);
        return encoder is not null
            ? DownstreamNetwork.UpsamplingOnEncoder(encoder, factor, headSeed)
            : DownstreamNetwork.UpsamplingOnCnn(cnn!, pretrained.Config.Channels, factor, headSeed);
    }

    /// <summary>The contender's backbone (an encoder or a CNN, the other null) and its head's seed.</summary>
    private static (MaeModel? Encoder, SmallCnn? Cnn, long HeadSeed) Backbone(Contender contender, MaeModel pretrained, long seed)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        var config = pretrained.Config;
        var headSeed = (long)SeedMix.Derive(seed, (long)contender, SeedMix.DownstreamStream);
        switch (contender)
        {
            case Contender.Pretrained:
                var copy = new MaeModel(config, 0);
                copy.load_state_dict(pretrained.state_dict(), strict: true);
                return (copy, null, headSeed);
            case Contender.RandomInit:
                return (new MaeModel(config, (long)SeedMix.Derive(seed, 0, SeedMix.RandomEncoderStream)), null, headSeed);
            default:
                var width = SmallCnn.WidthFor(DownstreamNetwork.EncoderParameterCount(pretrained), config.Channels);
                return (null, new SmallCnn(config.Channels, width, headSeed ^ 0x5A5A), headSeed);
        }
    }

    /// <summary>The schedule a contender trains on: the given LP-FT for encoders, all of its epochs as plain
    /// training at the fine-tuning rate's ten-fold for the CNN (nothing is pretrained, so there is nothing to probe).</summary>
    public static FinetuneSettings SettingsFor(Contender contender, FinetuneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (contender != Contender.SupervisedCnn)
            return settings;
        var schedule = settings.Schedule;
        return settings with
        {
            Schedule = schedule with { ProbeEpochs = 0, FinetuneEpochs = schedule.TotalEpochs, FinetuneLearningRate = schedule.FinetuneLearningRate * 10 },
        };
    }

    /// <summary>Trains (or resumes) one contender in <paramref name="folder"/> and predicts at its best epoch.</summary>
    /// <exception cref="InvalidDataException">A checkpoint in the folder cannot be read or was written for other settings.</exception>
    public static ContenderResult Run(
        Contender contender,
        DownstreamNetwork network,
        DownstreamTask task,
        int outputs,
        FinetuneSettings settings,
        DownstreamData data,
        string folder,
        bool testTimeAugmentation,
        IProgress<FinetuneProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        var parameters = network.BackboneParameterCount;
        using var trainer = new FinetuneTrainer(network, task, outputs, SettingsFor(contender, settings));
        var own = Path.Combine(folder, NameOf(contender));
        Directory.CreateDirectory(own);
        var latest = Path.Combine(own, LatestFile);
        var best = Path.Combine(own, BestFile);
        if (File.Exists(latest))
        {
            using var file = File.OpenRead(latest);
            trainer.Load(file);
        }

        var resumedFrom = trainer.CompletedEpochs;
        var total = trainer.Settings.Schedule.TotalEpochs;
        while (!trainer.IsFinished)
        {
            var result = trainer.TrainEpoch(data.Train, data.TrainTargets, data.Validation, data.ValidationTargets, cancellationToken);
            var isBest = trainer.BestEpoch == result.Epoch;
            if (isBest)
                WriteAtomically(trainer, best);
            WriteAtomically(trainer, latest);
            progress?.Report(new FinetuneProgress(result.Epoch, total, result, isBest));
        }

        var history = trainer.History.ToList();
        var bestEpoch = trainer.BestEpoch ?? history[^1].Epoch;
        using (var file = File.OpenRead(best))
            trainer.Load(file);
        return new ContenderResult(
            contender, parameters, history, bestEpoch, resumedFrom,
            trainer.Predict(data.Validation, testTimeAugmentation),
            trainer.Predict(data.Test, testTimeAugmentation));
    }

    /// <summary>Write then rename, so a run stopped while writing leaves the previous checkpoint whole.</summary>
    private static void WriteAtomically(FinetuneTrainer trainer, string path)
    {
        var partial = path + ".partial";
        using (var file = File.Create(partial))
            trainer.Save(file);
        File.Move(partial, path, overwrite: true);
    }
}

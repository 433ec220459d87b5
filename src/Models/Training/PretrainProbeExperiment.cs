using System.Globalization;
using System.Text;
using LensSweep.Models.Data;
using LensSweep.Models.Mae;
using LensSweep.Models.Probing;
using Microsoft.Extensions.Logging;

namespace LensSweep.Models.Training;

/// <summary>A pretrained encoder's probe score beside the two baselines it has to beat, on the test split.</summary>
/// <param name="Pretrained">The trial itself (validation and test scores, losses, cost).</param>
/// <param name="RandomEncoderTest">The same probe on a randomly initialised encoder of the same shape.</param>
/// <param name="RawPixelsTest">The same probe on the raw pixels.</param>
public sealed record PretrainProbeReport(TrainedRung Pretrained, ProbeScore RandomEncoderTest, ProbeScore RawPixelsTest)
{
    /// <summary>What the encoder was pretrained with, for the table's first row.</summary>
    public PretrainingObjective Objective { get; init; } = PretrainingObjective.Mae;

    /// <summary>A small plain-text table for the console.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine("features            test accuracy   test macro AUC");
        void Row(string name, ProbeScore s) => text.AppendLine(string.Format(c, "{0,-19} {1,13:P1}   {2,14:F4}", name, s.Accuracy, s.MacroRocAuc));
        Row($"{MaeChoiceNames.Title(Objective)} (pretrained)", Pretrained.Test);
        Row("random encoder", RandomEncoderTest);
        Row("raw pixels", RawPixelsTest);
        var last = Pretrained.Losses.Count > 0 ? Pretrained.Losses[^1].MeanLoss : double.NaN;
        text.AppendLine(string.Format(c, "final loss {0:F4}; {1:F1} s; {2:E2} training FLOPs", last, Pretrained.Cost.Seconds, Pretrained.Cost.TrainingFlops));
        return text.ToString();
    }
}

/// <summary>The README's main command: pretrain one encoder (MAE or I-JEPA), probe it, and compare with the baselines.</summary>
public static class PretrainProbeExperiment
{
    /// <param name="unlabelledPool">Extra images the MAE pretrains on beside the train split (see
    /// <see cref="PretrainingPool"/>); null pretrains on the train split alone. The probes of all three
    /// feature sets fit on the train split only, so the pool changes the encoder and nothing else.</param>
    public static PretrainProbeReport Run(
        TrialSettings settings,
        DataSplit data,
        int epochs,
        IProgress<TrainProgress>? progress = null,
        CancellationToken cancellationToken = default,
        ILogger? logger = null,
        LensDataset? unlabelledPool = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        // The schedule must end where training ends, or the cosine never reaches its tail.
        var aligned = settings with { Optimizer = settings.Optimizer with { TotalEpochs = epochs } };
        var pretrainingImages = unlabelledPool is null ? data.Train : PretrainingPool.Join(data.Train, unlabelledPool);
        using var checkpoint = new MemoryStream();
        var pretrained = TrialRunner.Run(aligned, data, 0, epochs, null, checkpoint, progress, cancellationToken, logger, pretrainingImages);

        cancellationToken.ThrowIfCancellationRequested();
        var randomSeed = (long)SeedMix.Derive(settings.Seed, 0, SeedMix.RandomEncoderStream);
        using var randomEncoder = new MaeModel(settings.Model, randomSeed);
        var (_, randomTest) = TrialRunner.ProbeEncoder(randomEncoder, data, settings.Probe);

        var pixels = LinearProbe.Fit(ProbeFeatures.FromPixels(data.Train), settings.Probe).Score(ProbeFeatures.FromPixels(data.Test));
        return new PretrainProbeReport(pretrained, randomTest, pixels) { Objective = settings.Model.Objective };
    }
}

using LensSweep.Grains.Storage;
using LensSweep.Grains.Trials;

namespace LensSweep.Client.Tests;

/// <summary>A trainer that needs no TorchSharp: its score rises with mask ratio and epochs, so ASHA has something to rank.</summary>
internal sealed class InstantTrainer(IArtifactStore artifacts) : ITrialTrainer
{
    private static int _calls;

    /// <summary>Rungs trained by every instance since the process started.</summary>
    public static int Calls => Volatile.Read(ref _calls);

    public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        for (var epoch = work.FromEpoch; epoch < work.ToEpoch; epoch++)
        {
            progress.Report(new TrialProgress(epoch + 1, 1.0 / (epoch + 1)));
        }

        await artifacts.PutAsync(work.CheckpointKey, new MemoryStream([1, 2, 3]), cancellationToken);
        var score = 0.5 + (work.Config.MaskRatio * 0.3) + (work.Config.EmbedDim / 1000.0) + (work.ToEpoch * 0.01);

        // A regression score that pretraining lifts faster at a higher mask ratio, so gains rank configurations.
        var r2 = 0.4 + (work.Config.EmbedDim / 1000.0) + (work.ToEpoch * 0.01 * work.Config.MaskRatio);
        return new RungOutcome(
            work.ProbeAtEnd ? new ProbeScores(score, score - 0.1) { Validation = new Dictionary<string, MetricReading> { ["r2_macro"] = new(r2, r2 - 0.02, r2 + 0.02) } } : null,
            new TrialCost(0.01 * (work.ToEpoch - work.FromEpoch), 1e6 * (work.ToEpoch - work.FromEpoch)),
            Enumerable.Repeat(0.5, work.ToEpoch - work.FromEpoch).ToList());
    }
}

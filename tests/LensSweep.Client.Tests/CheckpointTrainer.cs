using LensSweep.Grains.Storage;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using LensSweep.Models.Training;

namespace LensSweep.Client.Tests;

/// <summary>
/// A trainer that stores real checkpoints: it trains <see cref="TrainedRunFolder.Model"/> (whatever the trial's
/// configuration) on random images to the rung's epoch and stores the checkpoint where the trial says, scoring
/// as <see cref="InstantTrainer"/> does (higher with the mask ratio). A trial with mask ratio
/// <see cref="FailingMaskRatio"/> fails before it stores anything.
/// </summary>
internal sealed class CheckpointTrainer(IArtifactStore artifacts) : ITrialTrainer
{
    public const double FailingMaskRatio = 0.75;

    private static readonly OptimizerConfig Optimizer = new() { LearningRate = 1e-3, BatchSize = 4, WarmupEpochs = 0, TotalEpochs = 4 };

    public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
    {
        if (work.Config.MaskRatio == FailingMaskRatio)
        {
            throw new InvalidOperationException("this configuration always fails");
        }

        var score = 0.5 + (work.Config.MaskRatio * 0.3);
        if (work.ToEpoch == work.FromEpoch)
        {
            // The epoch-0 evaluation of the untrained encoder: nothing to train or store.
            return new RungOutcome(new ProbeScores(0.5, 0.4), new TrialCost(0, 0), []);
        }

        var random = new Random(work.Seed);
        var images = Enumerable.Range(0, 8 * 16 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        using (var trainer = new MaeTrainer(TrainedRunFolder.Model, Optimizer, work.Seed))
        {
            trainer.Train(new LensDataset(images, new int[8], 8, 1, 16, 16, ["a"]), toEpoch: work.ToEpoch);
            using var checkpoint = new MemoryStream();
            trainer.SaveCheckpoint(checkpoint);
            checkpoint.Position = 0;
            await artifacts.PutAsync(work.CheckpointKey, checkpoint, cancellationToken);
        }

        return new RungOutcome(
            work.ProbeAtEnd ? new ProbeScores(score, score - 0.1) : null,
            new TrialCost(0.01, 1e6),
            Enumerable.Repeat(0.5, work.ToEpoch - work.FromEpoch).ToList());
    }
}

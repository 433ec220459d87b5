using LensSweep.Grains.Hosting;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>The whole engine with the real TorchSharp trainer: tiny images and models, two silos.</summary>
public sealed class TorchStudyTests
{
    [Fact]
    public async Task A_tiny_study_trains_real_models_and_ranks_every_trial()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 2, addTrainer: silo => silo.AddLensSweepTorchTrainer());
        const string study = "torch";
        var trials = new[] { 0.5, 0.75, 0.9 }.Select(mask => new TrialConfig
        {
            MaskRatio = mask, PatchSize = 8, EmbedDim = 16, Depth = 1, Heads = 2,
            DecoderDim = 16, DecoderDepth = 1, DecoderHeads = 2, BatchSize = 8, WarmupEpochs = 0, LearningRate = 1e-3,
        }).ToList();
        var plan = new SweepPlan(
            study,
            new DatasetOptions { ImageSize = 32, ImagesPerClass = 12, Seed = 3 },
            EngineCluster.Asha(minEpochs: 1, maxEpochs: 2, eta: 2),
            MaxConcurrentTrials: 2,
            new ProbeSettings { Epochs = 50 },
            Seed: 3,
            trials);

        await engine.Sweep(study).StartAsync(plan);
        var status = await engine.WaitForPhaseAsync(study, SweepPhase.Finished, TimeSpan.FromMinutes(3));
        var board = await engine.Sweep(study).GetLeaderboardAsync(10);

        Assert.Equal(3, board.Count);
        Assert.All(board, e => Assert.InRange(e.Scores!.ValAuc, 0, 1));
        Assert.All(board, e => Assert.InRange(e.InitialScores!.ValAuc, 0, 1));
        Assert.All(board, e => Assert.True(e.Cost.Flops > 0 && e.Cost.Seconds > 0, $"trial {e.Trial} reported no cost"));
        // Two slots make promotion order depend on report order, so one or two trials may reach R.
        var completed = board.Where(e => e.Status == TrialStatus.Completed).ToList();
        Assert.NotEmpty(completed);
        Assert.All(completed, e => Assert.Equal(2, e.EpochsDone));
        Assert.Equal(3, status.TrialCount);
        var checkpoints = await engine.Artifacts.ListAsync($"studies/{study}/").ToListAsync();
        Assert.NotEmpty(checkpoints);
        var baseline = engine.Client.GetGrain<LensSweep.Grains.Baselines.IStudyBaselineGrain>(study);
        await EngineCluster.WaitUntilAsync(async () => !(await baseline.GetAsync()).Pending, TimeSpan.FromMinutes(2), () => "the pixel baseline");
        var pixels = (await baseline.GetAsync()).Pixels;
        Assert.NotNull(pixels);
        Assert.InRange(pixels.ValAuc, 0, 1);
    }
}

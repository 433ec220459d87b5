using LensSweep.Grains.Specs;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Training;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using LensSweep.Models.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace LensSweep.Grains.Tests.Training;

public sealed class TorchTrialTrainerTests
{
    private static readonly TrialConfig Tiny = new()
    {
        PatchSize = 8, EmbedDim = 16, Depth = 1, Heads = 2, DecoderDim = 16, DecoderDepth = 1, DecoderHeads = 2, BatchSize = 8,
    };

    // Training used to continue on a thread-pool thread after an await that yielded (a checkpoint read), so
    // libtorch ran on arbitrary threads, each keeping an OpenMP team alive; that cut 2-thread training by a third.
    [Fact]
    public async Task A_resumed_rung_trains_on_the_calling_thread_even_when_reading_the_checkpoint_yields()
    {
        var artifacts = new YieldingArtifactStore();
        var trainer = new TorchTrialTrainer(artifacts, new DatasetCache(NullLogger<DatasetLoader>.Instance), NullLogger<TorchTrialTrainer>.Instance);
        var dataset = new DatasetOptions { ImagesPerClass = 8, ImageSize = 32 };
        var first = new TrialWork("threads", 0, 1, Tiny, dataset, new ProbeSettings { Epochs = 5 }, 2, 0, 0, 1, null, "ckpt-1", false, "cpu");
        await trainer.TrainRungAsync(first, new Progress<TrialProgress>(), CancellationToken.None);

        var reportingThreads = new List<int>();
        var callingThread = 0;
        var resumed = first with { FromEpoch = 1, ToEpoch = 2, ResumeFromKey = "ckpt-1", CheckpointKey = "ckpt-2" };
        var thread = new Thread(() =>
        {
            callingThread = Environment.CurrentManagedThreadId;
            var progress = new InlineProgress(_ => reportingThreads.Add(Environment.CurrentManagedThreadId));
            trainer.TrainRungAsync(resumed, progress, CancellationToken.None).GetAwaiter().GetResult();
        });
        thread.Start();
        thread.Join();

        Assert.NotEmpty(reportingThreads);
        Assert.All(reportingThreads, id => Assert.Equal(callingThread, id));
    }

    [Fact]
    public async Task A_trial_of_a_smaller_dataset_size_pretrains_on_fewer_images_of_the_same_study_data()
    {
        var trainer = new TorchTrialTrainer(new InMemoryArtifactStore(), new DatasetCache(NullLogger<DatasetLoader>.Instance), NullLogger<TorchTrialTrainer>.Instance);
        var study = new DatasetOptions { ImagesPerClass = 32, ImageSize = 32 };
        TrialWork Work(int? size) => new("sizes", 0, 1, Tiny with { ImagesPerClass = size }, study, new ProbeSettings { Epochs = 5 }, 2, 0, 0, 1, null, $"ckpt-{size}", false, "cpu");

        var whole = await trainer.TrainRungAsync(Work(null), new Progress<TrialProgress>(), CancellationToken.None);
        var quarter = await trainer.TrainRungAsync(Work(8), new Progress<TrialProgress>(), CancellationToken.None);

        // 32 per class: 22 train images each (66, 8 steps of 8); 8 per class: 6 each (18, 2 steps).
        Assert.Equal(4.0, whole.Cost.Flops / quarter.Cost.Flops, precision: 6);
    }

    [Fact]
    public async Task A_call_stopped_inside_an_epoch_resumes_there_and_ends_with_the_checkpoint_of_an_uninterrupted_call()
    {
        var artifacts = new InMemoryArtifactStore();
        var trainer = new TorchTrialTrainer(artifacts, new DatasetCache(NullLogger<DatasetLoader>.Instance), NullLogger<TorchTrialTrainer>.Instance);
        var dataset = new DatasetOptions { ImagesPerClass = 32, ImageSize = 32 };
        var straight = new TrialWork("stop", 0, 1, Tiny, dataset, new ProbeSettings { Epochs = 5 }, 2, 0, 0, 1, null, "straight", false, "cpu");
        await trainer.TrainRungAsync(straight, new Progress<TrialProgress>(), CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var stopped = await trainer.TrainRungAsync(straight with { CheckpointKey = "never" }, new InlineProgress(_ => stop.Cancel()), stop.Token, CancellationToken.None);
        var resumed = straight with { FromStep = stopped.StoppedAt!.Step, ResumeFromKey = straight.StopCheckpointKey, CheckpointKey = "resumed" };
        var finished = await trainer.TrainRungAsync(resumed, new Progress<TrialProgress>(), CancellationToken.None, CancellationToken.None);

        Assert.Equal(new StepPosition(0, 1), stopped.StoppedAt);
        Assert.False(await artifacts.ExistsAsync("never"));
        Assert.Null(finished.StoppedAt);
        Assert.Equal(await ReadAllAsync(artifacts, "straight"), await ReadAllAsync(artifacts, "resumed"));
    }

    [Fact]
    public async Task A_rung_end_scores_its_gains_over_the_trials_own_epoch_zero_scores_paired()
    {
        var artifacts = new InMemoryArtifactStore();
        var trainer = new TorchTrialTrainer(artifacts, new DatasetCache(NullLogger<DatasetLoader>.Instance), NullLogger<TorchTrialTrainer>.Instance);
        var dataset = new DatasetOptions { ImagesPerClass = 16, ImageSize = 32, MacroLens = MacroLens.Varied };
        var probe = new ProbeSettings { Epochs = 5, BootstrapResamples = 50 };
        var initialWork = new TrialWork("gains", 0, 1, Tiny, dataset, probe, 2, 0, 0, 0, null, "unused", true, "cpu");

        var initial = (await trainer.TrainRungAsync(initialWork, new Progress<TrialProgress>(), CancellationToken.None)).Scores!;
        var trained = (await trainer.TrainRungAsync(initialWork with { ToEpoch = 1, CheckpointKey = "ckpt-1" }, new Progress<TrialProgress>(), CancellationToken.None)).Scores!;

        Assert.True(await artifacts.ExistsAsync(TrialKeys.InitialEvaluation("gains", 0)));
        var gain = trained.Validation["r2_macro_gain"];
        Assert.Equal(trained.Validation["r2_macro"].Value - initial.Validation["r2_macro"].Value, gain.Value, 12);
        Assert.InRange(gain.Value, gain.Low, gain.High);
        Assert.True(trained.Test.ContainsKey("r2_macro_gain"));
        Assert.False(initial.Validation.ContainsKey("r2_macro_gain"));
    }

    [Fact]
    public async Task A_rung_of_a_trial_without_a_stored_epoch_zero_evaluation_has_no_paired_gains()
    {
        var trainer = new TorchTrialTrainer(new InMemoryArtifactStore(), new DatasetCache(NullLogger<DatasetLoader>.Instance), NullLogger<TorchTrialTrainer>.Instance);
        var dataset = new DatasetOptions { ImagesPerClass = 16, ImageSize = 32, MacroLens = MacroLens.Varied };
        var work = new TrialWork("old", 0, 1, Tiny, dataset, new ProbeSettings { Epochs = 5, BootstrapResamples = 50 }, 2, 0, 0, 1, null, "ckpt-1", true, "cpu");

        var trained = (await trainer.TrainRungAsync(work, new Progress<TrialProgress>(), CancellationToken.None)).Scores!;

        Assert.True(trained.Validation.ContainsKey("r2_macro"));
        Assert.DoesNotContain(trained.Validation.Keys, k => k.EndsWith("_gain", StringComparison.Ordinal));
    }

    private static async Task<byte[]> ReadAllAsync(IArtifactStore artifacts, string key)
    {
        await using var stream = (await artifacts.OpenReadAsync(key))!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private sealed class InlineProgress(Action<TrialProgress> report) : IProgress<TrialProgress>
    {
        public void Report(TrialProgress value) => report(value);
    }

    /// <summary>An in-memory store whose reads complete later, as a file or blob read does.</summary>
    private sealed class YieldingArtifactStore : IArtifactStore
    {
        private readonly InMemoryArtifactStore _inner = new();

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => _inner.PutAsync(key, content, cancellationToken);

        public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        {
            await Task.Delay(10, cancellationToken);
            return await _inner.OpenReadAsync(key, cancellationToken);
        }

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => _inner.ExistsAsync(key, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);
    }
}

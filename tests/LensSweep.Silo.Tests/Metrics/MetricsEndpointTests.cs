using LensSweep.Grains.Hosting;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using LensSweep.Grains.Training;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Silo.Tests.Metrics;

/// <summary>
/// A real silo process's /metrics during a real (tiny) TorchSharp study on one CPU slot: three trials, at most
/// two at once, so while the first trains one more may start and the waiting count is capped at one, not two.
/// </summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private const string Study = "metrics-study";
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-metrics-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_scrape_during_a_study_finds_its_labelled_gauges_and_afterwards_its_training_histograms_and_failures()
    {
        var ports = (Silo: FreePort.Next(), Gateway: FreePort.Next(), Http: FreePort.Next());
        string[] args =
        [
            "--silo-port", ports.Silo.ToString(), "--gateway-port", ports.Gateway.ToString(), "--http-port", ports.Http.ToString(),
            "--cluster-id", $"test-{Guid.NewGuid():N}", "--Logging:LogLevel:Default", "Warning", "--slots", "cpu:0",
            "--grain-state-path", Path.Combine(_folder, "state"), "--artifacts-path", Path.Combine(_folder, "artifacts"),
        ];
        var gate = new HeldFirstCall();
        await using var app = await SiloApp.CreateAsync(args, silo =>
        {
            silo.AddLensSweepTorchTrainer();
            silo.Services.AddSingleton<TorchTrialTrainer>();
            silo.Services.AddSingleton(gate);
            silo.AddLensSweepTrainer<GatedTorchTrainer>();
        });
        await app.StartAsync();
        using var http = new SiloHttp(ports.Http);
        Assert.True(await http.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
        var sweep = app.Services.GetRequiredService<IGrainFactory>().GetGrain<ISweepGrain>(Study);
        await sweep.StartAsync(Plan());
        await gate.Arrived.WaitAsync(TimeSpan.FromSeconds(60));

        var during = await ScrapeAsync(http);
        var running = Assert.Single(during, s => s.Name == "lenssweep_trials_running" && s.Labels.GetValueOrDefault("study") == Study);
        Assert.Equal(("cpu:0", 1.0), (running.Labels["slot"], running.Value));
        Assert.False(string.IsNullOrEmpty(running.Labels.GetValueOrDefault("silo")));
        var waiting = Assert.Single(during, s => s.Name == "lenssweep_trials_waiting" && s.Labels.GetValueOrDefault("study") == Study);
        Assert.Equal(1.0, waiting.Value);
        Assert.Equal(1.0, Assert.Single(during, s => s.Name == "lenssweep_slots_total").Value);
        Assert.Contains(during, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));

        gate.Release();
        Assert.True(await FinishesAsync(sweep, TimeSpan.FromMinutes(3)), "the study did not finish");
        var after = await ScrapeAsync(http);
        Assert.DoesNotContain(after, s => s.Name is "lenssweep_trials_running" or "lenssweep_trials_waiting" && s.Labels.GetValueOrDefault("study") == Study);
        foreach (var histogram in new[] { "lenssweep_epoch_duration_seconds", "lenssweep_epoch_images_per_second", "lenssweep_rung_duration_seconds", "lenssweep_checkpoint_size_bytes", "lenssweep_checkpoint_duration_seconds" })
        {
            var count = Assert.Single(after, s => s.Name == histogram + "_count" && s.Labels.GetValueOrDefault("study") == Study && s.Labels.GetValueOrDefault("slot") == "cpu:0");
            Assert.True(count.Value >= 2, $"{histogram}: {count.Value} samples, expected one per trained trial");
            Assert.Contains(after, s => s.Name == histogram + "_bucket" && s.Labels.GetValueOrDefault("study") == Study);
        }

        var failures = Assert.Single(after, s => s.Name == "lenssweep_trials_failed_total" && s.Labels.GetValueOrDefault("study") == Study);
        Assert.Equal((nameof(InvalidDataException), 1.0), (failures.Labels["reason"], failures.Value));
        await app.StopAsync();
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(SiloHttp http)
    {
        var (status, body, contentType) = await http.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
        return PrometheusScrape.Parse(body);
    }

    private static async Task<bool> FinishesAsync(ISweepGrain sweep, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if ((await sweep.GetStatusAsync()).Phase == SweepPhase.Finished)
                return true;
            await Task.Delay(250);
        }
        return false;
    }

    private static SweepPlan Plan()
    {
        var loaded = StudySpecLoader.Parse($$"""
            {
              "name": "{{Study}}", "seed": 0, "max_concurrent_trials": 2,
              "dataset": { "kind": "simulated", "images_per_class": 20, "image_size": 32, "validation_fraction": 0.2, "test_fraction": 0.2, "seed": 0 },
              "search_space": {
                "mask_ratio": [0.5, 0.75, 0.9], "patch_size": 8, "embed_dim": 16,
                "depth": 1, "heads": 2, "decoder_dim": 16, "decoder_depth": 1, "decoder_heads": 2, "batch_size": 16, "warmup_epochs": 0
              },
              "search": { "kind": "grid" },
              "scheduler": { "kind": "none", "max_epochs": 1, "metric": "val_auc", "mode": "max" },
              "probe": { "epochs": 5, "l2": 1e-4, "learning_rate": 0.01, "batch_size": 128 }
            }
            """);
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Problems));
        return SweepPlan.From(loaded.Spec!);
    }

    /// <summary>Holds the first trainer call until the test has looked, and fails the last trial (a failure to count).</summary>
    private sealed class GatedTorchTrainer(TorchTrialTrainer inner, HeldFirstCall gate) : ITrialTrainer
    {
        public Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken) =>
            TrainRungAsync(work, progress, CancellationToken.None, cancellationToken);

        public async Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken stop, CancellationToken cancellationToken)
        {
            await gate.PassAsync(cancellationToken);
            if (work.Trial == 2)
                throw new InvalidDataException("trial 2 fails on purpose");
            return await inner.TrainRungAsync(work, progress, stop, cancellationToken);
        }
    }

    private sealed class HeldFirstCall
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Arrived => _arrived.Task;

        public Task PassAsync(CancellationToken cancellationToken)
        {
            _arrived.TrySetResult();
            return _open.Task.WaitAsync(cancellationToken);
        }

        public void Release() => _open.TrySetResult();
    }
}

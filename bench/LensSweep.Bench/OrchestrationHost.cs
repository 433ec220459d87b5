using System.Diagnostics.Metrics;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Diagnostics;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using LensSweep.Models.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LensSweep.Bench;

/// <summary>Where a benchmark silo keeps grain state and artifacts.</summary>
internal enum OrchestrationStorage
{
    /// <summary>Orleans memory grain storage and in-memory artifacts.</summary>
    Memory,

    /// <summary>The local-folder stores, every write flushed to disk: the single-machine default.</summary>
    Durable,
}

/// <summary>
/// One silo in this process, configured through the same extension methods as every LensSweep silo,
/// running one study to the end and timing it.
/// </summary>
internal sealed class OrchestrationHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string? _folder;

    private OrchestrationHost(IHost host, string? folder)
    {
        _host = host;
        _folder = folder;
    }

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<OrchestrationHost> StartAsync(OrchestrationStorage storage, int slots, bool checkpointEveryEpoch, Func<IServiceProvider, ITrialTrainer> trainer)
    {
        var folder = storage == OrchestrationStorage.Durable ? Path.Combine(Path.GetTempPath(), "lenssweep-bench", Guid.NewGuid().ToString("N")) : null;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);

        // Disposing the silo right after a study finishes cuts off its best-effort "you were stopped"
        // notifications to paused trials; Orleans and Polly log each as an error, which is noise here.
        builder.Logging.AddFilter("Orleans", LogLevel.Critical).AddFilter("Polly", LogLevel.Critical);
        builder.Logging.AddFilter("LensSweep", Environment.GetEnvironmentVariable("LENSSWEEP_BENCH_LOG") == "1" ? LogLevel.Debug : LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            // Free ports: other programs on a shared machine may hold Orleans' defaults.
            var ports = LoopbackPorts.Take(2);
            silo.UseLocalhostClustering(siloPort: ports[0], gatewayPort: ports[1], serviceId: "lenssweep-bench", clusterId: $"bench-{Guid.NewGuid():N}");
            silo.AddLensSweepEngine(o =>
            {
                o.DeviceSlots = [.. DeviceSlotNames.Cpu(slots)];
                o.CheckpointEveryEpoch = checkpointEveryEpoch;
            });
            silo.Services.AddSingleton<ITrialTrainer>(trainer);
            if (folder is null)
            {
                silo.AddLensSweepInMemoryStorage();
            }
            else
            {
                silo.AddLensSweepLocalFolderStorage(folder, flushToDisk: Environment.GetEnvironmentVariable("LENSSWEEP_BENCH_NOFLUSH") != "1");
            }

            silo.UseInMemoryReminderService();
        });
        var host = builder.Build();
        await host.StartAsync();
        return new OrchestrationHost(host, folder);
    }

    /// <summary>Starts the study and waits for it to finish; returns the wall time.</summary>
    public async Task<TimeSpan> RunAsync(SweepPlan plan, CancellationToken cancellationToken)
    {
        var sweep = Client.GetGrain<ISweepGrain>(plan.StudyId);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await sweep.StartAsync(plan);
        var verbose = Environment.GetEnvironmentVariable("LENSSWEEP_BENCH_LOG") == "1";
        var lastPrint = TimeSpan.Zero;
        SweepStatus status;
        while ((status = await sweep.GetStatusAsync()).Phase == SweepPhase.Running)
        {
            if (verbose && clock.Elapsed - lastPrint > TimeSpan.FromSeconds(1))
            {
                lastPrint = clock.Elapsed;
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds:F1} s: {status.Counts}");
            }

            await Task.Delay(50, cancellationToken);
        }

        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A random search of <paramref name="trials"/> configurations over mask ratio and learning rate.</summary>
    public static SweepPlan Plan(string studyId, int trials, SchedulerOptions scheduler, int maxConcurrent)
    {
        var random = new Random(11);
        var configs = Enumerable.Range(0, trials)
            .Select(_ => new TrialConfig { MaskRatio = 0.5 + (0.4 * random.NextDouble()), LearningRate = Math.Pow(10, -4 + (2 * random.NextDouble())) })
            .ToList();
        return new SweepPlan(studyId, new DatasetOptions(), scheduler, maxConcurrent, new ProbeSettings(), 0, configs);
    }

    /// <summary>A deterministic stand-in score, so ASHA has something to rank.</summary>
    public static ProbeScores Score(TrialWork work)
    {
        var score = (work.Config.MaskRatio * (1 - Math.Exp(-work.ToEpoch / 4.0))) - Math.Abs(Math.Log10(work.Config.LearningRate) + 3) / 10;
        return new ProbeScores(score, score);
    }
}

/// <summary>Returns at once: no model, so nothing to checkpoint. Measures the engine alone.</summary>
internal sealed class InstantTrainer : ITrialTrainer
{
    public Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken) =>
        Task.FromResult(new RungOutcome(work.ProbeAtEnd ? OrchestrationHost.Score(work) : null, new TrialCost(0, 0), []));
}

/// <summary>Sleeps a fixed time per call on the slot's thread, like a job of known length; notes when
/// the first call started and the last one ended, to split overhead into start-up, hand-offs and finish.</summary>
internal sealed class SleepingTrainer(TimeSpan duration) : ITrialTrainer
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private long _firstStartTicks = long.MaxValue;
    private long _lastEndTicks;

    public TimeSpan FirstStart => TimeSpan.FromTicks(Interlocked.Read(ref _firstStartTicks));

    public TimeSpan LastEnd => TimeSpan.FromTicks(Interlocked.Read(ref _lastEndTicks));

    public void Restart()
    {
        _clock.Restart();
        Interlocked.Exchange(ref _firstStartTicks, long.MaxValue);
        Interlocked.Exchange(ref _lastEndTicks, 0);
    }

    public Task<RungOutcome> TrainRungAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
    {
        var start = _clock.Elapsed.Ticks;
        InterlockedMin(ref _firstStartTicks, start);
        Thread.Sleep(duration);
        InterlockedMax(ref _lastEndTicks, _clock.Elapsed.Ticks);
        return Task.FromResult(new RungOutcome(work.ProbeAtEnd ? OrchestrationHost.Score(work) : null, new TrialCost(duration.TotalSeconds, 0), []));
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long seen;
        while (value < (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

/// <summary>Collects the sweep's decision latencies (<see cref="EngineMetrics.DecisionLatency"/>) and batch sizes.</summary>
internal sealed class DecisionLatencies : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _latencies = [];
    private readonly List<int> _batches = [];

    public DecisionLatencies()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument == EngineMetrics.DecisionLatency)
            {
                lock (_latencies)
                {
                    _latencies.Add(value);
                }
            }
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument == EngineMetrics.BatchSize)
            {
                lock (_batches)
                {
                    _batches.Add(value);
                }
            }
        });
        _listener.Start();
    }

    public double Percentile(double p)
    {
        lock (_latencies)
        {
            if (_latencies.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _latencies.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        }
    }

    public int Count
    {
        get
        {
            lock (_latencies)
            {
                return _latencies.Count;
            }
        }
    }

    public double MeanBatch
    {
        get
        {
            lock (_batches)
            {
                return _batches.Count == 0 ? double.NaN : _batches.Average();
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}

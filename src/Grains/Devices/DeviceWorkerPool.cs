using System.Collections.Frozen;
using System.Collections.Concurrent;
using LensSweep.Grains.Diagnostics;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace LensSweep.Grains.Devices;

/// <summary>
/// The silo's device worker: one dedicated thread per device slot, each taking training calls one at a
/// time from its own queue. Trial grains hand work here and await the result, so training never runs on
/// the Orleans scheduler and a slot can never run two trials at once, whatever the grains believe.
/// </summary>
public sealed partial class DeviceWorkerPool : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly FrozenDictionary<string, SlotWorker> _workers;
    private readonly IServiceProvider _services;
    private readonly ILogger<DeviceWorkerPool> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _draining = new();
    private readonly ConcurrentDictionary<Task, string> _loops = new();
    private ITrialTrainer? _trainer;

    public DeviceWorkerPool(IOptions<EngineOptions> options, IServiceProvider services, ILogger<DeviceWorkerPool> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _logger = logger;
        var slots = options.Value.DeviceSlots.ToArray();
        DeviceSlotNames.Validate(slots);
        _workers = slots.ToFrozenDictionary(slot => slot, slot => new SlotWorker(this, slot), StringComparer.Ordinal);
    }

    /// <summary>This silo's slots, in the order they were configured.</summary>
    public IReadOnlyCollection<string> Slots => _workers.Keys;

    public bool Owns(string device) => _workers.ContainsKey(device);

    /// <summary>Slots training right now, with the trial each runs (for status pages and tests).</summary>
    public IReadOnlyDictionary<string, string> Busy =>
        _workers.Where(w => w.Value.Current is not null).ToDictionary(w => w.Key, w => w.Value.Current!, StringComparer.Ordinal);

    /// <summary>The silo is handing its trials over (<see cref="BeginDrain"/>): running calls stop at their next
    /// step boundary, queued and new calls are cancelled, and no trial starts training here.</summary>
    public bool IsDraining => _draining.IsCancellationRequested;

    /// <summary>Records a trial's training loop on a slot, so a drain can wait until the trial has stored where it
    /// stopped before its slot goes back to the ledger.</summary>
    public void Track(string device, Task loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        _loops[loop] = device;
        _ = loop.ContinueWith(static (done, self) => ((DeviceWorkerPool)self!)._loops.TryRemove(done, out _), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Slots with a trial's training loop on them (a call running, or the trial storing its result).</summary>
    public IReadOnlyCollection<string> DevicesInUse() => _loops.Values.Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Completes when every training loop on <paramref name="device"/> has ended.</summary>
    public Task WhenIdleAsync(string device) => Task.WhenAll(_loops.Where(l => l.Value == device).Select(l => l.Key));

    /// <summary>Starts handing over: every running call stops at its next step boundary (with a checkpoint there),
    /// and the slots take no more work. Irreversible: the silo is stopping.</summary>
    public void BeginDrain() => _draining.Cancel();

    /// <summary>Queues the work on its slot's worker; the task completes on the worker's thread when the
    /// trainer returns (continuations run asynchronously, so awaiting grains resume on their own scheduler).</summary>
    public Task<RungOutcome> RunAsync(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!_workers.TryGetValue(work.Device, out var worker))
        {
            throw new ArgumentException($"This silo has no device slot '{work.Device}' (it has: {string.Join(", ", _workers.Keys)}).", nameof(work));
        }

        return worker.Enqueue(work, progress, cancellationToken);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeviceWorkerPool), ServiceLifecycleStage.Active, _ => Task.CompletedTask, _ =>
        {
            // A stopping silo abandons its slots: running trials are resumed elsewhere from their checkpoints.
            _stopping.Cancel();
            return Task.CompletedTask;
        });

    public void Dispose()
    {
        _stopping.Cancel();
        _draining.Cancel();
        foreach (var worker in _workers.Values)
        {
            worker.Complete();
        }
    }

    private ITrialTrainer Trainer => _trainer ??= _services.GetService<ITrialTrainer>()
        ?? throw new InvalidOperationException("No ITrialTrainer is registered on this silo, but it has device slots: register one with AddLensSweepTrainer<T>() (or give the silo no slots).");

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Device slot {Device}: trial {Study}/{Trial} attempt {Attempt} failed")]
    private static partial void LogTrainingFailed(ILogger logger, Exception exception, string device, string study, int trial, int attempt);

    private sealed class SlotWorker
    {
        private readonly DeviceWorkerPool _pool;
        private readonly string _device;
        // A blocking queue wakes the slot's thread directly (no thread-pool hop between a grain handing over
        // work and the device starting it).
        private readonly BlockingCollection<Item> _queue = [];
        private volatile string? _current;

        public SlotWorker(DeviceWorkerPool pool, string device)
        {
            _pool = pool;
            _device = device;
            new Thread(Run) { IsBackground = true, Name = $"lenssweep {device}" }.Start();
        }

        public string? Current => _current;

        public Task<RungOutcome> Enqueue(TrialWork work, IProgress<TrialProgress> progress, CancellationToken cancellationToken)
        {
            // Continuations need not be forced asynchronous: the awaiting grain resumes on its own scheduler,
            // never inline on the slot's thread.
            var item = new Item(work, progress, cancellationToken, new TaskCompletionSource<RungOutcome>());
            if (_pool.IsDraining)
            {
                // Cancelled, not failed: the trial keeps its last checkpoint and is handed over from there.
                item.Result.TrySetCanceled(_pool._draining.Token);
            }
            else if (!TryAdd(item))
            {
                item.Result.TrySetException(new ObjectDisposedException(nameof(DeviceWorkerPool), "The silo is shutting down; its device slots take no more work."));
            }

            return item.Result.Task;
        }

        public void Complete() => _queue.CompleteAdding();

        private bool TryAdd(Item item)
        {
            try
            {
                return _queue.TryAdd(item);
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private void Run()
        {
            foreach (var item in _queue.GetConsumingEnumerable())
            {
                Execute(item);
            }
        }

        private void Execute(Item item)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(item.CancellationToken, _pool._stopping.Token);
            if (linked.IsCancellationRequested || _pool.IsDraining)
            {
                item.Result.TrySetCanceled(linked.IsCancellationRequested ? linked.Token : _pool._draining.Token);
                return;
            }

            _current = TrialKeys.GrainKey(item.Work.StudyId, item.Work.Trial);
            try
            {
                // Blocking on purpose: the slot's thread is the device's thread for the whole call.
                var outcome = _pool.Trainer.TrainRungAsync(item.Work, item.Progress, _pool._draining.Token, linked.Token).GetAwaiter().GetResult();
                _current = null;
                EngineMetrics.TrainerCalls.Add(1);
                item.Result.TrySetResult(outcome);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                _current = null;
                item.Result.TrySetCanceled(linked.Token);
            }
            catch (Exception e)
            {
                _current = null;
                LogTrainingFailed(_pool._logger, e, _device, item.Work.StudyId, item.Work.Trial, item.Work.Attempt);
                item.Result.TrySetException(e);
            }
        }

        private sealed record Item(TrialWork Work, IProgress<TrialProgress> Progress, CancellationToken CancellationToken, TaskCompletionSource<RungOutcome> Result);
    }
}

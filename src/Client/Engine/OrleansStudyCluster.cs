using System.Runtime.CompilerServices;
using LensSweep.Client.Cluster;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Studies;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Engine;

/// <summary>
/// <see cref="IStudyCluster"/> over the engine's grains. Watching polls the sweep grain and the trials that
/// hold slots, which needs no observer registration and so survives a sweep grain moving between silos.
/// </summary>
/// <param name="reconnectFor">How long a watch keeps polling through a lost cluster before it gives up.</param>
/// <param name="chunkBytes">How many bytes of a checkpoint each grain call carries; <see cref="ArtifactChunk.DefaultBytes"/> when null.</param>
/// <param name="outputFolder">The embedded run's folder; null for a remote cluster. Remedies differ: a run can use another folder.</param>
internal sealed class OrleansStudyCluster(IGrainFactory grains, Func<ValueTask> disconnect, TimeSpan? pollEvery = null, TimeSpan? reconnectFor = null, string? outputFolder = null, int? chunkBytes = null) : IStudyCluster
{
    /// <summary>Long enough for a silo to restart or for membership to declare a dead one and move its grains.</summary>
    public static readonly TimeSpan DefaultReconnectWindow = TimeSpan.FromMinutes(3);

    private readonly TimeSpan _pollEvery = pollEvery ?? TimeSpan.FromSeconds(1);
    private readonly TimeSpan _reconnectFor = reconnectFor ?? DefaultReconnectWindow;
    private readonly StudyReader _reader = new(grains);
    private readonly int _chunkBytes = chunkBytes ?? ArtifactChunk.DefaultBytes;

    public async Task<StudySummary> StartAsync(StudySpec spec, CancellationToken cancellationToken)
    {
        try
        {
            return EngineMapping.Summary(await Sweep(spec.Name).StartAsync(SweepPlan.From(spec)).WaitAsync(cancellationToken));
        }
        catch (StudySpecConflictException)
        {
            // The grain's own message says the same again; the console names the study once.
            throw new CliInputException(
                outputFolder is null
                    ? $"study '{spec.Name}' already exists on the cluster with a different spec"
                    : $"study '{spec.Name}' already exists in {outputFolder} with a different spec",
                outputFolder is null
                    ? $"Give the spec a new \"name\"; 'lenssweep study show {spec.Name}' shows the study the cluster has under that name."
                    : $"Give the spec a new \"name\", or run it with another --out than {outputFolder}.");
        }
        catch (ArgumentException e)
        {
            throw new CliInputException($"the cluster refused study '{spec.Name}': {e.Message}", "Fix the spec and start it again.");
        }
    }

    public async Task<StudySummary?> ExtendAsync(string studyId, StudyExtension extension, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(extension);
        var sweep = Sweep(studyId);
        var status = await sweep.GetStatusAsync().WaitAsync(cancellationToken);
        if (status.Phase == SweepPhase.NotStarted)
        {
            return null;
        }

        var growth = extension.Spec is { } spec
            ? new StudyGrowth(0, SweepPlan.From(spec))
            : new StudyGrowth((status.TrialCount / Math.Max(1, status.Repeats)) + extension.MoreConfigurations);
        try
        {
            return EngineMapping.Summary(await sweep.GrowAsync(growth).WaitAsync(cancellationToken));
        }
        catch (ArgumentException e)
        {
            throw new CliInputException(
                $"study '{studyId}' cannot grow: {e.Message}",
                "Give --trials N for a random or tpe study, or --spec FILE: the study's spec with more values or a larger count, every other setting as it was.");
        }
    }

    public Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken) => _reader.ListAsync(cancellationToken);

    public Task<StudySummary?> FindAsync(string studyId, CancellationToken cancellationToken) => _reader.FindAsync(studyId, cancellationToken);

    public Task<StudyResults?> GetResultsAsync(string studyId, CancellationToken cancellationToken) =>
        _reader.GetResultsAsync(studyId, waitForBaseline: true, cancellationToken);

    public async Task<bool> CancelAsync(string studyId, CancellationToken cancellationToken)
    {
        var sweep = Sweep(studyId);
        if ((await sweep.GetStatusAsync().WaitAsync(cancellationToken)).Phase == SweepPhase.NotStarted)
        {
            return false;
        }

        await sweep.CancelAsync("cancelled from the lenssweep console").WaitAsync(cancellationToken);
        return true;
    }

    public async IAsyncEnumerable<StudySnapshot> WatchAsync(string studyId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int? slotsTotal = null;
        var failures = new TransientFailures(_reconnectFor);
        StudyTrialConfigs? trials = null;
        using var timer = new PeriodicTimer(_pollEvery);
        StudySnapshot? last = null;
        while (true)
        {
            StudySnapshot? snapshot = null;
            try
            {
                // Read inside the retry too: the first call may be the one that finds a listed gateway dead.
                slotsTotal ??= await _reader.SlotCountAsync(cancellationToken);
                // Read again while some trial has no configuration yet (a TPE study proposes them as it runs).
                if (trials is null || trials.Count < (last?.Study.Trials.Total ?? int.MaxValue))
                {
                    trials = await _reader.ReadTrialConfigsAsync(studyId, cancellationToken) ?? trials;
                }

                snapshot = await _reader.SnapshotAsync(studyId, slotsTotal.Value, trials, cancellationToken);
                failures.Recovered();
            }
            catch (Exception e) when (TransientFailures.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                // A silo restarting or a gateway failing over: handled below, outside the catch.
            }

            if (snapshot is null)
            {
                // Show the last state as reconnecting and keep polling; past the window the stream ends
                // and the caller reports the study as lost.
                if (!failures.StillWorthWaiting())
                {
                    yield break;
                }

                if (last is { Reconnecting: false })
                {
                    last = last with { Reconnecting = true };
                    yield return last;
                }

                await timer.WaitForNextTickAsync(cancellationToken);
                continue;
            }

            last = snapshot;
            yield return snapshot;
            if (snapshot.IsFinished)
            {
                yield break;
            }

            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    public async Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var view = await DeviceLedger.Get(grains).GetViewAsync().WaitAsync(cancellationToken);
        var leases = view.Leases.ToDictionary(l => l.Slot, l => l.Owner);
        var silos = view.Slots
            .GroupBy(s => s.Silo)
            .Select(g => new SiloSlots(
                g.Key.ToString(),
                "active",
                g.OrderBy(s => s.Device, StringComparer.Ordinal)
                    .Select(s => new DeviceSlotLease(s.Device, leases.GetValueOrDefault(s) is { } owner ? $"study {owner}" : null))
                    .ToList()))
            .ToList();
        return new ClusterStatus(silos);
    }

    public async Task<TrialCheckpoint?> ReadCheckpointAsync(string studyId, int trial, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ITrialGrain>(TrialKeys.GrainKey(studyId, trial));

        // A trial still training stores a newer checkpoint and deletes the one being read: start again from its
        // new pointer. Three tries is far more than a trial's pace (one checkpoint per epoch) can outrun.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var info = await grain.GetInfoAsync().WaitAsync(cancellationToken);
            if (info.CheckpointKey is not { } key)
            {
                return null;
            }

            var bytes = await ChunkedDownload.ReadAllAsync(
                (offset, ct) => grain.ReadCheckpointAsync(key, offset, _chunkBytes).WaitAsync(ct),
                cancellationToken);
            if (bytes is not null)
            {
                return new TrialCheckpoint(key, bytes);
            }
        }

        throw new CliInputException(
            $"trial {TrialKeys.GrainKey(studyId, trial)} replaced its checkpoint three times while it was read",
            "Run the command again when the trial has finished its epoch, or once it stops.");
    }

    public ValueTask DisposeAsync() => disconnect();

    private ISweepGrain Sweep(string studyId) => grains.GetGrain<ISweepGrain>(studyId);
}

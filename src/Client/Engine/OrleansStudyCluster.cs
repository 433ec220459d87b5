using System.Runtime.CompilerServices;
using LensSweep.Client.Cluster;
using LensSweep.Client.Studies;
using LensSweep.Client.Watch;
using LensSweep.Grains.Baselines;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Studies;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using TrialProgress = LensSweep.Client.Watch.TrialProgress;

namespace LensSweep.Client.Engine;

/// <summary>
/// <see cref="IStudyCluster"/> over the engine's grains. Watching polls the sweep grain and the trials that
/// hold slots, which needs no observer registration and so survives a sweep grain moving between silos.
/// </summary>
/// <param name="reconnectFor">How long a watch keeps polling through a lost cluster before it gives up.</param>
/// <param name="outputFolder">The embedded run's folder; null for a remote cluster. Remedies differ: a run can use another folder.</param>
internal sealed class OrleansStudyCluster(IGrainFactory grains, Func<ValueTask> disconnect, TimeSpan? pollEvery = null, TimeSpan? reconnectFor = null, string? outputFolder = null) : IStudyCluster
{
    /// <summary>Long enough for a silo to restart or for membership to declare a dead one and move its grains.</summary>
    public static readonly TimeSpan DefaultReconnectWindow = TimeSpan.FromMinutes(3);

    /// <summary>How long a finished study's results wait for a pixel baseline still being computed.</summary>
    private static readonly TimeSpan BaselineWait = TimeSpan.FromMinutes(2);

    private readonly TimeSpan _pollEvery = pollEvery ?? TimeSpan.FromSeconds(1);
    private readonly TimeSpan _reconnectFor = reconnectFor ?? DefaultReconnectWindow;

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

    public async Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken)
    {
        var studies = await StudyRegistry.Get(grains).ListAsync().WaitAsync(cancellationToken);
        var statuses = await Task.WhenAll(studies.Select(s => Sweep(s.StudyId).GetStatusAsync())).WaitAsync(cancellationToken);
        return [.. statuses.Select(EngineMapping.Summary)];
    }

    public async Task<StudySummary?> FindAsync(string studyId, CancellationToken cancellationToken)
    {
        var status = await Sweep(studyId).GetStatusAsync().WaitAsync(cancellationToken);
        return status.Phase == SweepPhase.NotStarted ? null : EngineMapping.Summary(status);
    }

    public async Task<StudyResults?> GetResultsAsync(string studyId, CancellationToken cancellationToken)
    {
        var sweep = Sweep(studyId);
        var status = await sweep.GetStatusAsync().WaitAsync(cancellationToken);
        if (status.Phase == SweepPhase.NotStarted)
        {
            return null;
        }

        var entries = await sweep.GetLeaderboardAsync(Math.Max(status.TrialCount, 1)).WaitAsync(cancellationToken);
        var trials = entries.Select(e => EngineMapping.Trajectory(studyId, e)).ToList();
        var baseline = await PixelBaselineAsync(studyId, waitIfPending: status.Phase != SweepPhase.Running, cancellationToken);
        return new StudyResults(EngineMapping.Summary(status), EngineMapping.Searched(trials), trials, baseline);
    }

    /// <summary>The study's pixel baseline; for a finished study still computing it, waits a while so the
    /// final leaderboard has it (it runs beside the trials and is usually done long before them).</summary>
    private async Task<ProbeScores?> PixelBaselineAsync(string studyId, bool waitIfPending, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IStudyBaselineGrain>(studyId);
        var deadline = DateTime.UtcNow + BaselineWait;
        while (true)
        {
            var baseline = await grain.GetAsync().WaitAsync(cancellationToken);
            if (!baseline.Pending || !waitIfPending || DateTime.UtcNow > deadline)
            {
                return baseline.Pixels;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

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
        var sweep = Sweep(studyId);
        int? slotsTotal = null;
        var failures = new TransientFailures(_reconnectFor);
        StudyTrials? trials = null;
        using var timer = new PeriodicTimer(_pollEvery);
        StudySnapshot? last = null;
        while (true)
        {
            StudySnapshot? snapshot = null;
            try
            {
                // Read inside the retry too: the first call may be the one that finds a listed gateway dead.
                slotsTotal ??= (await DeviceLedger.Get(grains).GetViewAsync().WaitAsync(cancellationToken)).Slots.Count;
                // Read again while some trial has no configuration yet (a TPE study proposes them as it runs).
                if (trials is null || trials.Count < (last?.Study.Trials.Total ?? int.MaxValue))
                {
                    trials = await StudyTrials.ReadAsync(sweep, cancellationToken) ?? trials;
                }

                snapshot = await PollAsync(sweep, studyId, slotsTotal.Value, trials, cancellationToken);
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

    /// <param name="trials">The study's trial configurations; null while the study has not started.</param>
    private async Task<StudySnapshot> PollAsync(ISweepGrain sweep, string studyId, int slotsTotal, StudyTrials? trials, CancellationToken cancellationToken)
    {
        var status = await sweep.GetStatusAsync().WaitAsync(cancellationToken);
        var running = await Task.WhenAll(status.Slots
            .Where(s => s.Trial is not null)
            .Select(s => grains.GetGrain<ITrialGrain>(TrialKeys.GrainKey(studyId, s.Trial!.Value)).GetInfoAsync()))
            .WaitAsync(cancellationToken);
        return new StudySnapshot(
            EngineMapping.Summary(status),
            status.Slots.Count(s => s.Trial is not null),
            Math.Max(slotsTotal, status.Slots.Count),
            running.Select(info => Progress(info, trials, status.Slots.FirstOrDefault(s => s.Trial == info.Trial)?.LastScore)).ToList());
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

    public ValueTask DisposeAsync() => disconnect();

    /// <summary>A running trial's bar: epochs and steps done against the epoch its rung ends at, with its pace.</summary>
    /// <param name="lastScore">Its score at the last rung it reported (from the study's slot list).</param>
    private static TrialProgress Progress(TrialInfo info, StudyTrials? trials, double? lastScore) => new(
        TrialKeys.GrainKey(info.StudyId, info.Trial),
        EngineMapping.State(info.Status),
        info.Rung,
        info.Progress?.Epoch ?? info.EpochsDone,
        info.RungEndEpoch,
        lastScore is { } score && double.IsFinite(score) ? score : null,
        info.Slot?.Device,
        trials?.SearchedParameters(info.Trial) ?? [])
    {
        StepsDone = info.Progress?.StepsDone ?? 0,
        StepsPerEpoch = info.Progress?.StepsPerEpoch ?? 0,
        Loss = info.Progress?.Loss,
        ImagesPerSecond = info.Progress?.ImagesPerSecond ?? 0,
        StepsPerSecond = info.Progress?.StepsPerSecond ?? 0,
    };

    private ISweepGrain Sweep(string studyId) => grains.GetGrain<ISweepGrain>(studyId);

    /// <summary>A study's trial configurations and the hyperparameters that differ between them.</summary>
    private sealed class StudyTrials
    {
        private readonly IReadOnlyDictionary<int, TrialConfig> _configs;
        private readonly HashSet<string> _searched;

        private StudyTrials(IReadOnlyDictionary<int, TrialConfig> configs)
        {
            _configs = configs;
            _searched = [.. EngineMapping.Differing(configs.OrderBy(c => c.Key).Select(c => EngineMapping.Parameters(c.Value)))];
        }

        /// <summary>Trials whose configuration is known.</summary>
        public int Count => _configs.Count;

        /// <returns>Null while the study has no plan yet, so the next poll asks again.</returns>
        public static async Task<StudyTrials?> ReadAsync(ISweepGrain sweep, CancellationToken cancellationToken)
        {
            var configs = await sweep.GetTrialConfigsAsync().WaitAsync(cancellationToken);
            return configs.Count > 0 ? new StudyTrials(configs) : null;
        }

        public IReadOnlyList<Hyperparameter> SearchedParameters(int trial) =>
            _configs.TryGetValue(trial, out var config)
                ? [.. EngineMapping.Parameters(config).Where(p => _searched.Contains(p.Name))]
                : [];
    }
}

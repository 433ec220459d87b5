using LensSweep.Grains.Baselines;
using LensSweep.Grains.Devices;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Studies;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;

namespace LensSweep.Reporting.Studies;

/// <summary>
/// Reads studies from the engine's grains into the read model. The console (watch, leaderboard, plots) and the
/// study page (the silo's and <c>lenssweep run --serve</c>'s) read through it, so they show the same. It only reads.
/// </summary>
public sealed class StudyReader(IGrainFactory grains)
{
    /// <summary>How long a finished study's results wait for a pixel baseline still being computed.</summary>
    private static readonly TimeSpan BaselineWait = TimeSpan.FromMinutes(2);

    public async Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken)
    {
        var studies = await RegisteredAsync(cancellationToken);
        var statuses = await Task.WhenAll(studies.Select(id => Sweep(id).GetStatusAsync())).WaitAsync(cancellationToken);
        return [.. statuses.Select(EngineMapping.Summary)];
    }

    /// <summary>The ids of the studies the cluster's registry lists, without waking their sweep grains.</summary>
    public async Task<IReadOnlyList<string>> RegisteredAsync(CancellationToken cancellationToken) =>
        [.. (await StudyRegistry.Get(grains).ListAsync().WaitAsync(cancellationToken)).Select(s => s.StudyId)];

    /// <returns>The study's status as its sweep reports it now; null when it was never started.</returns>
    public async Task<SweepStatus?> StatusAsync(string studyId, CancellationToken cancellationToken)
    {
        var status = await Sweep(studyId).GetStatusAsync().WaitAsync(cancellationToken);
        return status.Phase == SweepPhase.NotStarted ? null : status;
    }

    /// <summary>Whether the cluster's registry lists the study: asked before a request names a study, so an
    /// id that was never started wakes no sweep grain (and no storage read) for it.</summary>
    public Task<bool> IsRegisteredAsync(string studyId, CancellationToken cancellationToken) =>
        StudyRegistry.Get(grains).IsListedAsync(studyId).WaitAsync(cancellationToken);

    /// <returns>Null when the cluster has no study with that id.</returns>
    public async Task<StudySummary?> FindAsync(string studyId, CancellationToken cancellationToken) =>
        await StatusAsync(studyId, cancellationToken) is { } status ? EngineMapping.Summary(status) : null;

    /// <param name="waitForBaseline">For a finished study whose pixel baseline is still computing, wait a while so
    /// its final leaderboard has it (it runs beside the trials and is usually done long before them). A live page
    /// passes false and shows the baseline once it is there.</param>
    /// <returns>Null when the cluster has no study with that id.</returns>
    public async Task<StudyResults?> GetResultsAsync(string studyId, bool waitForBaseline, CancellationToken cancellationToken) =>
        await StatusAsync(studyId, cancellationToken) is { } status
            ? await GetResultsAsync(status, waitForBaseline, cancellationToken)
            : null;

    /// <summary>The results of a study whose <paramref name="status"/> was just read (<see cref="StatusAsync"/>), so a
    /// caller that also wants its snapshot reads the status once.</summary>
    public async Task<StudyResults> GetResultsAsync(SweepStatus status, bool waitForBaseline, CancellationToken cancellationToken)
    {
        var entries = await Sweep(status.StudyId).GetLeaderboardAsync(Math.Max(status.TrialCount, 1)).WaitAsync(cancellationToken);
        var trials = entries.Select(e => EngineMapping.Trajectory(status.StudyId, e)).ToList();
        var baseline = await PixelBaselineAsync(status.StudyId, waitForBaseline && status.Phase != SweepPhase.Running, cancellationToken);
        return new StudyResults(EngineMapping.Summary(status), EngineMapping.Searched(trials), trials, baseline.Pixels, baseline.Pixels is null ? baseline.FailureReason : null);
    }

    /// <summary>The device slots the cluster advertises.</summary>
    public async Task<int> SlotCountAsync(CancellationToken cancellationToken) =>
        (await DeviceLedger.Get(grains).GetViewAsync().WaitAsync(cancellationToken)).Slots.Count;

    /// <returns>Null while the study has no plan yet, so the next read asks again.</returns>
    public async Task<StudyTrialConfigs?> ReadTrialConfigsAsync(string studyId, CancellationToken cancellationToken)
    {
        var configs = await Sweep(studyId).GetTrialConfigsAsync().WaitAsync(cancellationToken);
        return configs.Count > 0 ? new StudyTrialConfigs(configs) : null;
    }

    /// <summary>The study now: its summary and every trial holding a slot, with its epoch, steps, pace and slot.</summary>
    /// <param name="slotsTotal">From <see cref="SlotCountAsync"/>.</param>
    /// <param name="trials">From <see cref="ReadTrialConfigsAsync"/>; null while the study has no plan yet.</param>
    public async Task<StudySnapshot> SnapshotAsync(string studyId, int slotsTotal, StudyTrialConfigs? trials, CancellationToken cancellationToken) =>
        await SnapshotAsync(await Sweep(studyId).GetStatusAsync().WaitAsync(cancellationToken), slotsTotal, trials, cancellationToken);

    /// <summary>The snapshot of a study whose <paramref name="status"/> was just read.</summary>
    public async Task<StudySnapshot> SnapshotAsync(SweepStatus status, int slotsTotal, StudyTrialConfigs? trials, CancellationToken cancellationToken)
    {
        var running = await Task.WhenAll(status.Slots
            .Where(s => s.Trial is not null)
            .Select(s => grains.GetGrain<ITrialGrain>(TrialKeys.GrainKey(status.StudyId, s.Trial!.Value)).GetInfoAsync()))
            .WaitAsync(cancellationToken);
        return new StudySnapshot(
            EngineMapping.Summary(status),
            status.Slots.Count(s => s.Trial is not null),
            Math.Max(slotsTotal, status.Slots.Count),
            running.Select(info => Progress(info, trials, status.Slots.FirstOrDefault(s => s.Trial == info.Trial)?.LastScore)).ToList());
    }

    private async Task<BaselineStatus> PixelBaselineAsync(string studyId, bool waitIfPending, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IStudyBaselineGrain>(studyId);
        var deadline = DateTime.UtcNow + BaselineWait;
        while (true)
        {
            var baseline = await grain.GetAsync().WaitAsync(cancellationToken);
            if (!baseline.Pending || !waitIfPending || DateTime.UtcNow > deadline)
            {
                return baseline;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>A running trial's bar: epochs and steps done against the epoch its rung ends at, with its pace.</summary>
    /// <param name="lastScore">Its score at the last rung it reported (from the study's slot list).</param>
    private static LiveTrial Progress(TrialInfo info, StudyTrialConfigs? trials, double? lastScore) => new(
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
}

/// <summary>A study's trial configurations and the hyperparameters that differ between them.</summary>
public sealed class StudyTrialConfigs
{
    private readonly IReadOnlyDictionary<int, TrialConfig> _configs;
    private readonly HashSet<string> _searched;

    public StudyTrialConfigs(IReadOnlyDictionary<int, TrialConfig> configs)
    {
        _configs = configs;
        _searched = [.. EngineMapping.Differing(configs.OrderBy(c => c.Key).Select(c => EngineMapping.Parameters(c.Value)))];
    }

    /// <summary>Trials whose configuration is known.</summary>
    public int Count => _configs.Count;

    public IReadOnlyList<ParameterSetting> SearchedParameters(int trial) =>
        _configs.TryGetValue(trial, out var config)
            ? [.. EngineMapping.Parameters(config).Where(p => _searched.Contains(p.Name))]
            : [];
}

using System.Collections.Concurrent;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Web;

/// <summary>
/// Reads the studies the page shows through the console's <see cref="StudyReader"/>, one per mapped page, so what it
/// keeps between requests is shared by them: each study's status is read once per request, its trial
/// configurations only until every trial has one, and its figures are drawn again only when its results change.
/// </summary>
public sealed class StudyPageSource(StudyReader reader)
{
    private readonly ConcurrentDictionary<string, StudyTrialConfigs> _configs = new();

    public FigureCache Figures { get; } = new();

    public async Task<IReadOnlyList<StudyView>> AllAsync(CancellationToken cancellationToken)
    {
        var studies = await reader.RegisteredAsync(cancellationToken);
        var slots = await reader.SlotCountAsync(cancellationToken);
        var views = await Task.WhenAll(studies.Select(id => ViewAsync(id, slots, cancellationToken)));
        return [.. views.OfType<StudyView>()];
    }

    /// <returns>Null when the cluster has no study with that id.</returns>
    public async Task<StudyView?> FindAsync(string studyId, CancellationToken cancellationToken) =>
        await reader.IsRegisteredAsync(studyId, cancellationToken)
            ? await ViewAsync(studyId, await reader.SlotCountAsync(cancellationToken), cancellationToken)
            : null;

    /// <summary>The study's results as they are now, without waiting for a pixel baseline still being computed.</summary>
    /// <returns>Null when the cluster has no study with that id.</returns>
    public async Task<StudyResults?> ResultsAsync(string studyId, CancellationToken cancellationToken) =>
        await reader.IsRegisteredAsync(studyId, cancellationToken)
            ? await reader.GetResultsAsync(studyId, waitForBaseline: false, cancellationToken)
            : null;

    private async Task<StudyView?> ViewAsync(string studyId, int slots, CancellationToken cancellationToken)
    {
        if (await reader.StatusAsync(studyId, cancellationToken) is not { } status)
        {
            return null;
        }

        var results = await reader.GetResultsAsync(status, waitForBaseline: false, cancellationToken);
        var configs = await ConfigsAsync(studyId, status.TrialCount, cancellationToken);
        var snapshot = await reader.SnapshotAsync(status, slots, configs, cancellationToken);
        return StudyView.Of(results, snapshot);
    }

    /// <summary>A trial's configuration never changes once it has one (a TPE proposal is recorded before its trial
    /// starts), so the configurations are read again only while some trial lacks one or the study has grown.</summary>
    private async Task<StudyTrialConfigs?> ConfigsAsync(string studyId, int trialCount, CancellationToken cancellationToken)
    {
        if (_configs.TryGetValue(studyId, out var kept) && kept.Count >= trialCount)
        {
            return kept;
        }

        var configs = await reader.ReadTrialConfigsAsync(studyId, cancellationToken);
        if (configs is not null && configs.Count >= trialCount)
        {
            _configs[studyId] = configs;
        }

        return configs;
    }
}

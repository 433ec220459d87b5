using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Web;

/// <summary>Reads the studies the page shows through the console's <see cref="StudyReader"/>.</summary>
public sealed class StudyPageSource(StudyReader reader)
{
    public async Task<IReadOnlyList<StudyView>> AllAsync(CancellationToken cancellationToken)
    {
        var studies = await reader.ListAsync(cancellationToken);
        var slots = await reader.SlotCountAsync(cancellationToken);
        var views = await Task.WhenAll(studies.Select(s => ViewAsync(s.StudyId, slots, cancellationToken)));
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
        if (await reader.GetResultsAsync(studyId, waitForBaseline: false, cancellationToken) is not { } results)
        {
            return null;
        }

        var configs = await reader.ReadTrialConfigsAsync(studyId, cancellationToken);
        var snapshot = await reader.SnapshotAsync(studyId, slots, configs, cancellationToken);
        return StudyView.Of(results, snapshot);
    }
}

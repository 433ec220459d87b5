using LensSweep.Grains.Specs;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Cluster;

/// <summary>
/// The console's view of a running LensSweep cluster (remote, or embedded in this process): everything the
/// study, leaderboard and cluster commands ask of the engine, in the console's own records.
/// </summary>
public interface IStudyCluster : IAsyncDisposable
{
    /// <summary>
    /// Starts the study <paramref name="spec"/> names. Starting a study that already exists with the same
    /// spec continues it (how an interrupted <c>lenssweep run</c> resumes); a different spec under an
    /// existing name is refused with a <see cref="CliInputException"/>.
    /// </summary>
    Task<StudySummary> StartAsync(StudySpec spec, CancellationToken cancellationToken);

    /// <summary>Grows a started study (<see cref="StudyExtension"/>); a finished one runs again, its results kept.</summary>
    /// <returns>The study as grown; null when the cluster has no study with that id.</returns>
    /// <exception cref="CliInputException">The study cannot grow so; the message names every reason.</exception>
    Task<StudySummary?> ExtendAsync(string studyId, StudyExtension extension, CancellationToken cancellationToken);

    Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken);

    /// <returns>Null when the cluster has no study with that id.</returns>
    Task<StudySummary?> FindAsync(string studyId, CancellationToken cancellationToken);

    /// <returns>Null when the cluster has no study with that id.</returns>
    Task<StudyResults?> GetResultsAsync(string studyId, CancellationToken cancellationToken);

    /// <returns>False when the cluster has no study with that id.</returns>
    Task<bool> CancelAsync(string studyId, CancellationToken cancellationToken);

    /// <summary>Snapshots of the study as it changes, ending after the one that shows it finished.</summary>
    IAsyncEnumerable<StudySnapshot> WatchAsync(string studyId, CancellationToken cancellationToken);

    Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The trial's latest checkpoint (the one it would resume from), its bytes fetched from the cluster's artifact
    /// store through grain calls in chunks, so the console needs no storage credentials whatever the store.
    /// Call it only for a trial of a study the cluster has (<see cref="FindAsync"/>).
    /// </summary>
    /// <returns>Null when the trial has stored no checkpoint.</returns>
    Task<TrialCheckpoint?> ReadCheckpointAsync(string studyId, int trial, CancellationToken cancellationToken);
}

/// <summary>A trial's checkpoint as read through a cluster.</summary>
/// <param name="Key">Its artifact key, for messages.</param>
/// <param name="Bytes">The whole checkpoint file, as its chunks came.</param>
public sealed record TrialCheckpoint(string Key, ChunkedBytes Bytes);

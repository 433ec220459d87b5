using System.Runtime.CompilerServices;
using LensSweep.Client.Cluster;
using LensSweep.Grains.Specs;
using LensSweep.Reporting.Studies;

namespace LensSweep.Client.Tests;

/// <summary>An in-memory cluster holding fixed studies, standing in for the engine behind the console.</summary>
internal sealed class FakeCluster : IStudyCluster, IStudyClusterConnector, IEmbeddedClusterLauncher
{
    private readonly Dictionary<string, StudyResults> _studies = new(StringComparer.Ordinal);

    public IReadOnlyList<StudySnapshot> Snapshots { get; init; } = SampleStudy.Snapshots();

    public List<StudySpec> Started { get; } = [];

    public List<string> Cancelled { get; } = [];

    public List<(string StudyId, StudyExtension Extension)> Extended { get; } = [];

    public EmbeddedClusterOptions? EmbeddedOptions { get; private set; }

    public ClusterTarget? ConnectedTo { get; private set; }

    public FakeCluster With(StudyResults results)
    {
        _studies[results.Study.StudyId] = results;
        return this;
    }

    public CliServices Services() => new() { Cluster = this, Embedded = this };

    public Task<IStudyCluster> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        ConnectedTo = target;
        return Task.FromResult<IStudyCluster>(this);
    }

    public Task<IStudyCluster> StartAsync(EmbeddedClusterOptions options, CancellationToken cancellationToken)
    {
        EmbeddedOptions = options;
        return Task.FromResult<IStudyCluster>(this);
    }

    public Task<StudySummary> StartAsync(StudySpec spec, CancellationToken cancellationToken)
    {
        Started.Add(spec);
        if (!_studies.ContainsKey(spec.Name))
        {
            // A study the cluster did not have starts running; one it had keeps its state.
            var results = SampleStudy.Results(StudyState.Running);
            _studies[spec.Name] = results with { Study = results.Study with { StudyId = spec.Name, Name = spec.Name } };
        }

        return Task.FromResult(_studies[spec.Name].Study);
    }

    public Task<StudySummary?> ExtendAsync(string studyId, StudyExtension extension, CancellationToken cancellationToken)
    {
        Extended.Add((studyId, extension));
        return Task.FromResult(_studies.GetValueOrDefault(studyId)?.Study);
    }

    public Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StudySummary>>(_studies.Values.Select(s => s.Study).ToList());

    public Task<StudySummary?> FindAsync(string studyId, CancellationToken cancellationToken) =>
        Task.FromResult(_studies.GetValueOrDefault(studyId)?.Study);

    public Task<StudyResults?> GetResultsAsync(string studyId, CancellationToken cancellationToken) =>
        Task.FromResult(_studies.GetValueOrDefault(studyId));

    public Task<bool> CancelAsync(string studyId, CancellationToken cancellationToken)
    {
        Cancelled.Add(studyId);
        return Task.FromResult(_studies.ContainsKey(studyId));
    }

    public async IAsyncEnumerable<StudySnapshot> WatchAsync(string studyId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var snapshot in Snapshots)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return snapshot;
        }
    }

    public Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(new ClusterStatus(
    [
        new SiloSlots("10.0.0.4:11111", "active", [new DeviceSlotLease("cuda:0", "quick/trial-1"), new DeviceSlotLease("cuda:1", null)]),
        new SiloSlots("10.0.0.5:11111", "active", []),
    ]));

    /// <summary>The console never reads a checkpoint from this fake: export, inspect and finetune tests that need one use a real silo.</summary>
    public Task<TrialCheckpoint?> ReadCheckpointAsync(string studyId, int trial, CancellationToken cancellationToken) =>
        Task.FromResult<TrialCheckpoint?>(null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

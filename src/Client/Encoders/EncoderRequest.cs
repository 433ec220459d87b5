namespace LensSweep.Client.Encoders;

/// <summary>Which trained encoder a command works on: exactly one of <see cref="Study"/> (its best trial),
/// <see cref="Trial"/> (<c>study/N</c>) or <see cref="Checkpoint"/> (a file).</summary>
/// <param name="RunFolder">Where a study's checkpoints are: an embedded run's <c>--out</c>, or a silo's local
/// artifact folder; null means <c>runs/&lt;study&gt;</c>, the default of <c>lenssweep run</c>.</param>
/// <remarks>With <see cref="Cluster"/> set, <see cref="Study"/> and <see cref="Trial"/> are read from that cluster
/// and <see cref="RunFolder"/> is not used.</remarks>
internal sealed record EncoderRequest(string? Study, string? Trial, string? Checkpoint, string? RunFolder)
{
    /// <summary>The cluster the study runs on (<c>--cluster</c>); null: a folder.</summary>
    public Cluster.ClusterTarget? Cluster { get; init; }
}

/// <summary>A checkpoint found for an <see cref="EncoderRequest"/>.</summary>
/// <param name="Source">What it is, in words, for messages and the export's configuration file.</param>
/// <param name="Open">Opens the checkpoint for reading.</param>
internal sealed record LocatedCheckpoint(string Source, Func<CancellationToken, Task<Stream>> Open);

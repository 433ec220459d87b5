namespace LensSweep.Client.Cluster;

/// <summary>How the console joins a cluster as an Orleans client.</summary>
public sealed record ClusterConnectionOptions
{
    /// <summary>Must match the silos' <c>ClusterOptions.ClusterId</c> (lenssweep-silo's default).</summary>
    public string ClusterId { get; init; } = "lenssweep";

    /// <summary>Must match the silos' <c>ClusterOptions.ServiceId</c>.</summary>
    public string ServiceId { get; init; } = "lenssweep";

    /// <summary>
    /// A console user waiting on a dead address wants to hear so within seconds; Orleans' own defaults are
    /// tuned for services that should keep retrying.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

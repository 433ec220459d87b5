namespace LensSweep.EndToEnd.Tests.Support;

/// <summary>
/// Tests that run a multi-silo cluster with real training share this collection, so they run one after another:
/// two of them at once would starve each other's silos of CPU, and Orleans' failure detector with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster of processes";
}

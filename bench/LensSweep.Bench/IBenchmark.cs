namespace LensSweep.Bench;

/// <summary>One benchmark: prints its figures and the ratio to the reference in shared/bench/README.md.</summary>
public interface IBenchmark
{
    /// <summary>The name it is run by: <c>lenssweep-bench NAME [args]</c>.</summary>
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}

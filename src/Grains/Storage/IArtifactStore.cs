namespace LensSweep.Grains.Storage;

/// <summary>
/// Where checkpoints, results and plots live: keys are '/'-separated paths ("studies/s1/trials/3/ckpt-e4").
/// Backends: in-memory (tests), local folder (default), Azure Blob (clusters).
/// </summary>
public interface IArtifactStore
{
    /// <summary>Stores the whole stream under the key. Atomic: a reader sees the old or the new value, never a part.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the value for reading, or returns null when the key does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes the key; deleting a missing key is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Keys that start with the prefix, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);
}

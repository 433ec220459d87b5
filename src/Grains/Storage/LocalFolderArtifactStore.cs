using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace LensSweep.Grains.Storage;

/// <summary>Where <see cref="LocalFolderArtifactStore"/> keeps its files.</summary>
public sealed class LocalFolderArtifactStoreOptions
{
    /// <summary>The root folder; created when missing.</summary>
    public string Folder { get; set; } = "";

    /// <summary>Flush every file to the disk before it becomes visible, so a power cut never leaves a
    /// checkpoint that a grain's state already points at half-written.</summary>
    public bool FlushToDisk { get; set; } = true;
}

/// <summary>
/// Artifacts as files under one folder (the single-machine default): key <c>a/b/c</c> is the file
/// <c>{Folder}/a/b/c</c>. A put writes a hidden temporary file beside the target, flushes it and renames it
/// over the target, so readers see the old or the new content, never a part.
/// </summary>
public sealed class LocalFolderArtifactStore : IArtifactStore
{
    private readonly string _root;
    private readonly bool _flushToDisk;

    public LocalFolderArtifactStore(IOptions<LocalFolderArtifactStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Value.Folder))
        {
            throw new ArgumentException("LocalFolderArtifactStoreOptions.Folder is empty: say where artifacts are kept.", nameof(options));
        }

        _root = Path.GetFullPath(options.Value.Folder);
        _flushToDisk = options.Value.FlushToDisk;
        Directory.CreateDirectory(_root);
    }

    public LocalFolderArtifactStore(string folder, bool flushToDisk = true)
        : this(Options.Create(new LocalFolderArtifactStoreOptions { Folder = folder, FlushToDisk = flushToDisk }))
    {
    }

    public string Folder => _root;

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (_flushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        TryDelete(PathOf(key));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        // Only the folder holding the prefix's last complete segment can contain matches.
        var cut = prefix.LastIndexOf('/');
        var folder = cut < 0 ? _root : Path.Combine(_root, prefix[..cut].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var keys = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal) && ArtifactKeys.Problem(key) is null)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private string PathOf(string key)
    {
        ArtifactKeys.Validate(key);
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Deleting a key under a folder that was never created is deleting a missing key.
        }
    }
}

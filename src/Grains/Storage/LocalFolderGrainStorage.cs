using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Orleans.Runtime;
using Orleans.Storage;

namespace LensSweep.Grains.Storage;

/// <summary>Where <see cref="LocalFolderGrainStorage"/> keeps grain state.</summary>
public sealed class LocalFolderGrainStorageOptions
{
    /// <summary>The root folder; created when missing.</summary>
    public string Folder { get; set; } = "";

    /// <summary>Flush every state file to the disk before it replaces the previous one.</summary>
    public bool FlushToDisk { get; set; } = true;
}

/// <summary>
/// Grain state as one file per (grain, state name) under a folder: the single-machine default.
/// A file holds an 8-byte version followed by the serialized state; the version is the ETag, so a writer
/// that read an older version (a stale activation left behind by a crash) gets an
/// <see cref="InconsistentStateException"/> instead of overwriting newer state. Writes go to a temporary
/// file that is flushed and renamed over the old one, so a crash leaves the old state or the new, never a part.
/// </summary>
/// <remarks>The version check and the rename are serialized per file inside one process; several processes
/// sharing one folder are protected only by the ETag check, which is not atomic across processes.</remarks>
public sealed class LocalFolderGrainStorage : IGrainStorage
{
    private const int StripeCount = 64;
    private readonly string _name;
    private readonly string _root;
    private readonly bool _flushToDisk;
    private readonly IGrainStorageSerializer _serializer;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, StripeCount).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public LocalFolderGrainStorage(string name, LocalFolderGrainStorageOptions options, IGrainStorageSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Folder))
        {
            throw new ArgumentException($"Grain storage '{name}': LocalFolderGrainStorageOptions.Folder is empty: say where grain state is kept.", nameof(options));
        }

        _name = name;
        _root = Path.GetFullPath(options.Folder);
        _flushToDisk = options.FlushToDisk;
        _serializer = serializer;
        Directory.CreateDirectory(_root);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        if (bytes.Length < sizeof(long))
        {
            throw new InvalidDataException($"Grain storage '{_name}': state file '{path}' is shorter than its version header; it is not a LensSweep state file.");
        }

        grainState.State = _serializer.Deserialize<T>(new BinaryData(bytes.AsMemory(sizeof(long))));
        grainState.ETag = Version(bytes).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var payload = _serializer.Serialize(grainState.State).ToMemory();
        var stripe = Stripe(path);
        await stripe.WaitAsync().ConfigureAwait(false);
        try
        {
            var stored = await StoredVersionAsync(path).ConfigureAwait(false);
            Check(stateName, grainId, grainState.ETag, stored);
            var next = (stored ?? 0) + 1;
            var buffer = new byte[sizeof(long) + payload.Length];
            BinaryPrimitives.WriteInt64LittleEndian(buffer, next);
            payload.Span.CopyTo(buffer.AsSpan(sizeof(long)));
            await ReplaceAsync(path, buffer).ConfigureAwait(false);
            grainState.ETag = next.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        finally
        {
            stripe.Release();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var stripe = Stripe(path);
        await stripe.WaitAsync().ConfigureAwait(false);
        try
        {
            var stored = await StoredVersionAsync(path).ConfigureAwait(false);
            Check(stateName, grainId, grainState.ETag, stored);
            File.Delete(path);
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        finally
        {
            stripe.Release();
        }
    }

    private void Check(string stateName, GrainId grainId, string? expected, long? stored)
    {
        var storedTag = stored?.ToString(CultureInfo.InvariantCulture);
        if (!string.Equals(expected, storedTag, StringComparison.Ordinal))
        {
            throw new InconsistentStateException(
                $"Grain storage '{_name}': state '{stateName}' of {grainId} is at version {storedTag ?? "(none)"} but the writer read version {expected ?? "(none)"}; a newer activation has written it.",
                storedTag ?? "",
                expected ?? "");
        }
    }

    private async Task ReplaceAsync(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content).ConfigureAwait(false);
                await file.FlushAsync().ConfigureAwait(false);
                if (_flushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static async Task<long?> StoredVersionAsync(string path)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            var header = new byte[sizeof(long)];
            await file.ReadExactlyAsync(header).ConfigureAwait(false);
            return Version(header);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static long Version(byte[] bytes) => BinaryPrimitives.ReadInt64LittleEndian(bytes);

    private SemaphoreSlim Stripe(string path) => _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(path) % StripeCount)];

    private string PathOf(string stateName, GrainId grainId) =>
        Path.Combine(_root, FileName(grainId.Type.ToString()!), FileName(grainId.Key.ToString()!), FileName(stateName) + ".state");

    /// <summary>Keys such as <c>study/3</c> become one safe file name: anything outside [A-Za-z0-9-_.] is
    /// %-escaped, and over-long names keep a readable head plus a hash of the whole.</summary>
    internal static string FileName(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && builder.Length > 0))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        if (builder.Length <= 120)
        {
            return builder.ToString();
        }

        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        return $"{builder.ToString(0, 100)}~{hash}";
    }
}

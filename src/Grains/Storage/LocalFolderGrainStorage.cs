using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;

namespace LensSweep.Grains.Storage;

/// <summary>Where <see cref="LocalFolderGrainStorage"/> keeps grain state.</summary>
public sealed class LocalFolderGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>How state is turned into bytes; null for the Orleans binary serializer, which honours the
    /// engine's <c>[GenerateSerializer]</c> records and surrogates (Orleans' JSON default does not).</summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>The root folder; created when missing.</summary>
    public string Folder { get; set; } = "";

    /// <summary>Flush the log to the disk before a write completes (off only for tests and benchmarks of the engine alone).</summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>The log is rewritten as a snapshot once it passes this size and twice the live state.</summary>
    public long CompactionFloorBytes { get; set; } = 8 << 20;

    /// <summary>Open a damaged log (a bad record with whole records after it) by keeping what precedes the
    /// damage instead of refusing to start; the damaged file is copied aside first and the loss is logged.</summary>
    public bool RepairDamagedLog { get; set; }
}

/// <summary>
/// Grain state of one folder, the single-machine default, kept in a <see cref="GrainStateLog"/>: writes
/// that arrive together share one append and one disk flush, and a write completes only once it is on disk.
/// Each state carries a version that is its ETag, so a writer that read an older version (a stale activation
/// left behind by a crash) gets an <see cref="InconsistentStateException"/> instead of overwriting newer state.
/// </summary>
/// <remarks>One process owns a folder; storages over the same folder inside that process share its log.</remarks>
public sealed partial class LocalFolderGrainStorage : IGrainStorage, IDisposable
{
    private const int StripeCount = 256;
    private readonly string _name;
    private readonly IGrainStorageSerializer _serializer;
    private readonly GrainStateLog _log;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, StripeCount).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private int _disposed;

    /// <exception cref="GrainStateLogDamagedException">The log is damaged and <see cref="LocalFolderGrainStorageOptions.RepairDamagedLog"/> is off.</exception>
    public LocalFolderGrainStorage(string name, LocalFolderGrainStorageOptions options, IGrainStorageSerializer serializer, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Folder))
        {
            throw new ArgumentException($"Grain storage '{name}': LocalFolderGrainStorageOptions.Folder is empty: say where grain state is kept.", nameof(options));
        }

        _name = name;
        _serializer = serializer;
        _log = GrainStateLog.Acquire(options.Folder, new GrainStateLogSettings(options.FlushToDisk, options.CompactionFloorBytes, options.RepairDamagedLog));
        if (_log.TakeRecoveryToReport() is { } recovery)
        {
            Report(logger ?? NullLogger.Instance, name, options.Folder, recovery);
        }
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_log.Find(KeyOf(stateName, grainId)) is { Payload: { } payload } stored)
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload));
            grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = KeyOf(stateName, grainId);
        var payload = _serializer.Serialize(grainState.State).ToMemory();
        var next = await AppendCheckedAsync(key, stateName, grainId, grainState.ETag, payload, cleared: false).ConfigureAwait(false);
        grainState.ETag = next.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await AppendCheckedAsync(KeyOf(stateName, grainId), stateName, grainId, grainState.ETag, ReadOnlyMemory<byte>.Empty, cleared: true).ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _log.Release();
        }
    }

    /// <summary>Checks the writer's ETag and appends the next version; per key, one check-and-append at a time.</summary>
    private async Task<long> AppendCheckedAsync(string key, string stateName, GrainId grainId, string? etag, ReadOnlyMemory<byte> payload, bool cleared)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % StripeCount)];
        await stripe.WaitAsync().ConfigureAwait(false);
        try
        {
            var stored = _log.Find(key);
            Check(stateName, grainId, etag, stored is { Payload: not null } ? stored.Version : null);

            // A cleared state keeps its version, so a writer from before the clear still conflicts.
            var next = (stored?.Version ?? 0) + 1;
            await _log.AppendAsync(key, next, payload, cleared).ConfigureAwait(false);
            return next;
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

    /// <summary>The same name the earlier file-per-state layout used as a path, so its files import under it.</summary>
    private static string KeyOf(string stateName, GrainId grainId) =>
        $"{FileName(grainId.Type.ToString()!)}/{FileName(grainId.Key.ToString()!)}/{FileName(stateName)}";

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

    private static void Report(ILogger logger, string name, string folder, GrainStateLogRecovery recovery)
    {
        if (recovery.DroppedRecords == 0)
        {
            LogTornTailCut(logger, name, folder, recovery.DroppedBytes, recovery.KeptBytes);
        }
        else
        {
            LogDamageRepaired(logger, name, folder, recovery.DroppedBytes, recovery.DroppedRecords, recovery.KeptBytes, recovery.KeptAside);
        }
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Warning, Message = "Grain storage {Storage}: cut a torn tail of {Bytes} bytes from the state log in {Folder} (a write a crash interrupted, never acknowledged); kept {Kept} bytes")]
    private static partial void LogTornTailCut(ILogger logger, string storage, string folder, long bytes, long kept);

    [LoggerMessage(EventId = 521, Level = LogLevel.Warning, Message = "Grain storage {Storage}: repaired the damaged state log in {Folder}: kept {Kept} bytes, dropped {Bytes} bytes holding {Records} later records; the damaged file is kept as {KeptAside}")]
    private static partial void LogDamageRepaired(ILogger logger, string storage, string folder, long bytes, int records, long kept, string? keptAside);
}

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace LensSweep.Grains.Storage;

/// <summary>One grain state as the log holds it: a version (the ETag) and the serialized state, or no
/// payload when the state was cleared (the version stays, so versions only ever grow).</summary>
internal sealed record LoggedState(long Version, byte[]? Payload);

/// <summary>
/// Every grain state of one folder as an append-only log, replayed into memory on open.
/// </summary>
/// <remarks>
/// Why a log and not a file per state: a durable write used to be a file create, an fsync and a rename,
/// and those capped a study at a few hundred trials a second. Here writers that arrive together share
/// one append and one fsync (group commit), so durability costs one disk flush per batch, not per write.
/// <list type="bullet">
/// <item>A record is <c>[int32 body length][uint32 CRC-32 of body][body]</c>, the body
/// <c>[byte kind][int64 version][int32 key length][key UTF-8][payload]</c>. Replay stops at the first
/// short or corrupt record. When no whole record follows it, it is the torn tail of a crash mid-append:
/// the file is cut there (and the cut reported), so a crash loses at most the writes that had not yet been
/// acknowledged. When whole records follow it, the log is damaged, not torn: the open fails with
/// <see cref="GrainStateLogDamagedException"/> and changes nothing, unless repair was asked for.</item>
/// <item>When the log grows to twice the live state (and past a floor, 8 MiB by default), it is
/// rewritten as a snapshot of the live states into a new file that is flushed and renamed over the old.</item>
/// <item>One process owns a folder: an exclusive lock file makes a second process fail with a clear
/// message. Inside a process, every storage over the same folder shares one log (Orleans test clusters
/// run several silos in one process over one folder).</item>
/// <item>Folders written by the earlier file-per-state layout (<c>*.state</c>) are imported on open.</item>
/// </list>
/// </remarks>
internal sealed class GrainStateLog : IDisposable
{
    internal const string LogFileName = "grain-state.log";
    internal const string LockFileName = "grain-state.lock";
    private const int HeaderBytes = sizeof(int) + sizeof(uint);
    private const byte WriteKind = 1;
    private const byte ClearKind = 2;
    private const int MaxBatch = 4096;

    private static readonly Dictionary<string, (GrainStateLog Log, int Users)> Open = new(StringComparer.Ordinal);

    private readonly string _root;
    private readonly string _logPath;
    private readonly bool _flushToDisk;
    private readonly bool _repairDamage;
    private readonly long _compactionFloorBytes;
    private readonly FileStream _lock;
    private readonly ConcurrentDictionary<string, LoggedState> _states = new(StringComparer.Ordinal);
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private SafeFileHandle _log;
    private long _end;
    private Exception? _broken;
    private long _liveBytes;
    private int _recoveryReported;

    private GrainStateLog(string root, GrainStateLogSettings settings)
    {
        _compactionFloorBytes = settings.CompactionFloorBytes;
        _repairDamage = settings.RepairDamage;
        _root = root;
        _logPath = Path.Combine(root, LogFileName);
        _flushToDisk = settings.FlushToDisk;
        Directory.CreateDirectory(root);
        _lock = LockFolder(root);
        try
        {
            Recovery = Replay();
            var imported = ImportFilePerStateLayout();
            (_log, _end) = OpenForAppend();
            if (imported.Count > 0)
            {
                Compact();
                DeleteImported(imported);
            }
        }
        catch
        {
            _lock.Dispose();
            throw;
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>What opening the log cut away: nothing, a torn tail, or (repair asked for) a damaged part.</summary>
    public GrainStateLogRecovery Recovery { get; }

    /// <summary>The recovery for the first caller only, so storages sharing the log report it once.</summary>
    public GrainStateLogRecovery? TakeRecoveryToReport() =>
        Interlocked.Exchange(ref _recoveryReported, 1) == 0 && Recovery.DroppedBytes > 0 ? Recovery : null;

    /// <summary>How many times the log was rewritten as a snapshot since it was opened.</summary>
    public int Compactions { get; private set; }

    /// <summary>The log of <paramref name="folder"/>, shared by every user in this process until the last one disposes it.</summary>
    /// <remarks>The first user's settings hold for all.</remarks>
    /// <exception cref="GrainStateLogDamagedException">A record in the middle of the log fails its checksum and repair was not asked for.</exception>
    public static GrainStateLog Acquire(string folder, GrainStateLogSettings settings)
    {
        var root = Path.GetFullPath(folder);
        lock (Open)
        {
            var (log, users) = Open.TryGetValue(root, out var open) ? open : (new GrainStateLog(root, settings), 0);
            Open[root] = (log, users + 1);
            return log;
        }
    }

    /// <summary>Gives one user's share back; the last one closes the log.</summary>
    public void Release()
    {
        lock (Open)
        {
            var (log, users) = Open[_root];
            if (users > 1)
            {
                Open[_root] = (log, users - 1);
                return;
            }

            Open.Remove(_root);
            // Closed inside the lock: an Acquire that came in between would open the folder while this
            // log still holds the lock file (and could still be writing).
            Dispose();
        }
    }

    public LoggedState? Find(string key) => _states.TryGetValue(key, out var state) ? state : null;

    /// <summary>Appends a new version of <paramref name="key"/> (null payload: cleared); completes once it is on disk.</summary>
    public Task AppendAsync(string key, long version, ReadOnlyMemory<byte> payload, bool cleared)
    {
        var record = Encode(key, version, payload.Span, cleared);
        var pending = new PendingAppend(key, new LoggedState(version, cleared ? null : payload.ToArray()), record);
        return _appends.Writer.TryWrite(pending)
            ? pending.Done.Task
            : Task.FromException(new ObjectDisposedException(nameof(GrainStateLog), $"The grain state log in '{_root}' is closed."));
    }

    public void Dispose()
    {
        if (_appends.Writer.TryComplete())
        {
            _writer.GetAwaiter().GetResult();
            _log.Dispose();
            _lock.Dispose();
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>();
        while (await _appends.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _appends.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                AppendAndFlush(batch);
            }
            catch (Exception e)
            {
                // The disk refused; nothing in this batch is acknowledged, and callers see why.
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }

                continue;
            }

            foreach (var pending in batch)
            {
                Apply(pending.Key, pending.State);
                pending.Done.TrySetResult();
            }

            if (_end > _compactionFloorBytes && _end > 2 * _liveBytes)
            {
                TryCompact();
            }
        }
    }

    /// <summary>
    /// Writes the batch at the end of the log in one call and flushes it. After a failed write the file is cut
    /// back to where the batch began, so later batches never sit behind a torn record that replay would stop at;
    /// if even that fails the log refuses every later write rather than acknowledge writes it could lose.
    /// </summary>
    private void AppendAndFlush(List<PendingAppend> batch)
    {
        if (_broken is not null)
        {
            throw new IOException($"The grain state log '{_logPath}' stopped taking writes after a failed write: {_broken.Message}", _broken);
        }

        var bytes = new byte[batch.Sum(p => p.Record.Length)];
        var at = 0;
        foreach (var pending in batch)
        {
            pending.Record.CopyTo(bytes, at);
            at += pending.Record.Length;
        }

        try
        {
            RandomAccess.Write(_log, bytes, _end);
            if (_flushToDisk)
            {
                RandomAccess.FlushToDisk(_log);
            }

            _end += bytes.Length;
        }
        catch (Exception e)
        {
            try
            {
                RandomAccess.SetLength(_log, _end);
            }
            catch (Exception cut)
            {
                _broken = cut;
            }

            throw new IOException($"Could not write to the grain state log '{_logPath}': {e.Message}", e);
        }
    }

    /// <summary>A failed compaction leaves the old log in use: it is still whole, just longer than needed.</summary>
    private void TryCompact()
    {
        try
        {
            Compact();
        }
        catch (IOException)
        {
            File.Delete(_logPath + ".compacting");
        }
    }

    private void Apply(string key, LoggedState state)
    {
        var before = _states.TryGetValue(key, out var old) ? Size(key, old) : 0;
        _states[key] = state;
        _liveBytes += Size(key, state) - before;
    }

    private static long Size(string key, LoggedState state) => HeaderBytes + 13 + (key.Length * 3L) + (state.Payload?.Length ?? 0);

    /// <summary>Rewrites the log as one record per live state: flushed to a new file, then renamed over the old.</summary>
    private void Compact()
    {
        var snapshot = _logPath + ".compacting";
        using (var file = new FileStream(snapshot, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            foreach (var (key, state) in _states)
            {
                file.Write(Encode(key, state.Version, state.Payload, state.Payload is null));
            }

            file.Flush(flushToDisk: _flushToDisk);
        }

        _log.Dispose();
        try
        {
            File.Move(snapshot, _logPath, overwrite: true);
            Compactions++;
        }
        finally
        {
            (_log, _end) = OpenForAppend();
        }
    }

    private (SafeFileHandle Handle, long End) OpenForAppend()
    {
        var handle = File.OpenHandle(_logPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        return (handle, RandomAccess.GetLength(handle));
    }

    /// <summary>
    /// Reads every whole record into memory up to the first bad one, then decides what the bad bytes are:
    /// a torn tail (nothing whole after them) is cut; damage (whole records after them) stops the open,
    /// or with repair is cut too, after the whole file is kept aside.
    /// </summary>
    /// <remarks>Repair keeps the prefix rather than skipping the bad record: a prefix of the log is a state
    /// the engine was really in, while a log with one record missing from its middle may be one it never was
    /// (a trial's rung recorded by the study but not by the trial, say).</remarks>
    private GrainStateLogRecovery Replay()
    {
        if (!File.Exists(_logPath))
        {
            return GrainStateLogRecovery.None;
        }

        var bytes = File.ReadAllBytes(_logPath);
        var at = 0;
        while (TryDecode(bytes.AsSpan(at), out var length, out var key, out var state))
        {
            Apply(key, state);
            at += length;
        }

        if (at == bytes.Length)
        {
            return GrainStateLogRecovery.None;
        }

        var later = FindLaterRecords(bytes, at + 1);
        string? keptAside = null;
        if (later.Count > 0)
        {
            if (!_repairDamage)
            {
                throw new GrainStateLogDamagedException(_logPath, at, bytes.Length, later.FirstAt, later.Count);
            }

            keptAside = $"{_logPath}.damaged-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
            File.Copy(_logPath, keptAside, overwrite: true);
        }

        using (var file = new FileStream(_logPath, FileMode.Open, FileAccess.Write, FileShare.Read))
        {
            file.SetLength(at);
            file.Flush(flushToDisk: _flushToDisk);
        }

        return new GrainStateLogRecovery(at, bytes.Length - at, later.Count, keptAside);
    }

    /// <summary>The first whole record at or after <paramref name="from"/>, and how many follow it in sequence.</summary>
    /// <remarks>Every offset is tried, so a damaged length field cannot hide the records behind it. The cheap
    /// checks in <see cref="TryDecode"/> come before the checksum, so random bytes rarely cost a CRC.</remarks>
    private static (int Count, long FirstAt) FindLaterRecords(byte[] bytes, int from)
    {
        for (var start = from; start <= bytes.Length - HeaderBytes - 13; start++)
        {
            if (!TryDecode(bytes.AsSpan(start), out var length, out _, out _))
            {
                continue;
            }

            var count = 1;
            var next = start + length;
            while (TryDecode(bytes.AsSpan(next), out length, out _, out _))
            {
                count++;
                next += length;
            }

            return (count, start);
        }

        return (0, -1);
    }

    private static byte[] Encode(string key, long version, ReadOnlySpan<byte> payload, bool cleared)
    {
        var keyLength = Encoding.UTF8.GetByteCount(key);
        var bodyLength = 1 + sizeof(long) + sizeof(int) + keyLength + payload.Length;
        var record = new byte[HeaderBytes + bodyLength];
        var body = record.AsSpan(HeaderBytes);
        body[0] = cleared ? ClearKind : WriteKind;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], version);
        BinaryPrimitives.WriteInt32LittleEndian(body[9..], keyLength);
        Encoding.UTF8.GetBytes(key, body[13..]);
        payload.CopyTo(body[(13 + keyLength)..]);
        BinaryPrimitives.WriteInt32LittleEndian(record, bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(sizeof(int)), Crc32.HashToUInt32(body));
        return record;
    }

    private static bool TryDecode(ReadOnlySpan<byte> data, out int length, out string key, out LoggedState state)
    {
        (length, key, state) = (0, "", new LoggedState(0, null));
        if (data.Length < HeaderBytes)
        {
            return false;
        }

        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (bodyLength < 13 || bodyLength > data.Length - HeaderBytes)
        {
            return false;
        }

        var body = data.Slice(HeaderBytes, bodyLength);
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(body[9..]);
        if (body[0] is not (WriteKind or ClearKind) || keyLength < 0 || keyLength > bodyLength - 13)
        {
            return false;
        }

        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(data[sizeof(int)..]))
        {
            return false;
        }

        length = HeaderBytes + bodyLength;
        key = Encoding.UTF8.GetString(body.Slice(13, keyLength));
        state = new LoggedState(BinaryPrimitives.ReadInt64LittleEndian(body[1..]), body[0] == ClearKind ? null : body[(13 + keyLength)..].ToArray());
        return true;
    }

    /// <summary>Loads <c>{type}/{key}/{state}.state</c> files of the earlier layout that the log does not supersede.</summary>
    private List<string> ImportFilePerStateLayout()
    {
        var imported = new List<string>();
        foreach (var path in Directory.EnumerateFiles(_root, "*.state", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(_root, path);
            var key = relative[..^".state".Length].Replace(Path.DirectorySeparatorChar, '/');
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < sizeof(long))
            {
                throw new InvalidDataException($"Grain state file '{path}' is shorter than its version header; it is not a LensSweep state file.");
            }

            var version = BinaryPrimitives.ReadInt64LittleEndian(bytes);
            if (Find(key) is not { } logged || logged.Version < version)
            {
                Apply(key, new LoggedState(version, bytes[sizeof(long)..]));
            }

            imported.Add(path);
        }

        return imported;
    }

    private void DeleteImported(List<string> files)
    {
        foreach (var file in files)
        {
            File.Delete(file);
        }

        foreach (var directory in Directory.EnumerateDirectories(_root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
    }

    private static FileStream LockFolder(string root)
    {
        var path = Path.Combine(root, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"Grain state folder '{root}' is in use by another process ({LockFileName} is locked); one LensSweep process owns a state folder: stop the other, or give this one its own folder.", e);
        }
    }

    private sealed record PendingAppend(string Key, LoggedState State, byte[] Record)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Collections.Concurrent;
using Orleans.Runtime;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>A reminder table every silo of a test cluster shares (one captured instance), so a reminder
/// survives the silo that registered it, as a Redis or SQL table would.</summary>
internal sealed class InMemoryReminderTable : IReminderTable
{
    private readonly ConcurrentDictionary<(GrainId Grain, string Name), ReminderEntry> _rows = new();

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(new ReminderTableData(_rows.Values.Where(r => r.GrainId == grainId).Select(Copy).ToList()));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        Task.FromResult(new ReminderTableData(_rows.Values.Where(r => InRange(r.GrainId.GetUniformHashCode(), begin, end)).Select(Copy).ToList()));

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.FromResult(_rows.TryGetValue((grainId, reminderName), out var row) ? Copy(row) : null);

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        var etag = Guid.NewGuid().ToString("N");
        var row = Copy(entry);
        row.ETag = etag;
        _rows[(entry.GrainId, entry.ReminderName)] = row;
        return Task.FromResult<string?>(etag);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        var key = (grainId, reminderName);
        return Task.FromResult(_rows.TryGetValue(key, out var row) && row.ETag == eTag && _rows.TryRemove(key, out _));
    }

    public Task TestOnlyClearTable()
    {
        _rows.Clear();
        return Task.CompletedTask;
    }

    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry Copy(ReminderEntry r) => new()
    {
        GrainId = r.GrainId,
        ReminderName = r.ReminderName,
        StartAt = r.StartAt,
        Period = r.Period,
        ETag = r.ETag,
    };
}

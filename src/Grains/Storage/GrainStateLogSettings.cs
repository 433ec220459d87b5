namespace LensSweep.Grains.Storage;

/// <summary>How a <see cref="GrainStateLog"/> writes and opens.</summary>
/// <param name="FlushToDisk">Flush before a write completes (off only for tests and benchmarks of the engine alone).</param>
/// <param name="CompactionFloorBytes">The log is rewritten as a snapshot once it passes this size and twice the live state.</param>
/// <param name="RepairDamage">Open a damaged log by keeping the records before the damage (the whole file is kept aside first).</param>
internal sealed record GrainStateLogSettings(bool FlushToDisk = true, long CompactionFloorBytes = 8 << 20, bool RepairDamage = false);

/// <summary>What opening a log cut from its end.</summary>
/// <param name="KeptBytes">Bytes kept: the whole records before the cut.</param>
/// <param name="DroppedBytes">Bytes cut; 0 when the log was whole.</param>
/// <param name="DroppedRecords">Whole records among the cut bytes: 0 for a torn tail, more for repaired damage.</param>
/// <param name="KeptAside">Where the damaged file was copied before the cut, or null.</param>
public sealed record GrainStateLogRecovery(long KeptBytes, long DroppedBytes, int DroppedRecords, string? KeptAside)
{
    public static GrainStateLogRecovery None { get; } = new(0, 0, 0, null);
}

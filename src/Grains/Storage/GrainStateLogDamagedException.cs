namespace LensSweep.Grains.Storage;

/// <summary>
/// A record in the middle of the grain state log fails its checksum while whole records follow it: the disk
/// or someone damaged the file. Cutting there would silently drop every later state, so the open stops.
/// </summary>
public sealed class GrainStateLogDamagedException(string path, long offset, long length, long nextRecordAt, int laterRecords)
    : IOException(
        $"The grain state log '{path}' is damaged at byte {offset}: the record there fails its checksum, yet {laterRecords} whole records follow from byte {nextRecordAt}. " +
        $"Nothing was changed. Restore the state folder from a backup, or start with repair (lenssweep run --repair-state, or the silo's --repair-state true) " +
        $"to keep the {offset} bytes before the damage and drop the {length - offset} bytes from it on (the later records are lost; the damaged file is kept beside it).")
{
    public string LogPath { get; } = path;

    public long Offset { get; } = offset;

    public long DroppedBytesOnRepair { get; } = length - offset;

    public int LaterRecords { get; } = laterRecords;
}

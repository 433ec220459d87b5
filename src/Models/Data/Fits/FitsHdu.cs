namespace LensSweep.Models.Data.Fits;

/// <summary>One header-data unit: its header and where its data lies in the file.</summary>
/// <param name="DataOffset">Byte offset of the data in the file (a multiple of 2880).</param>
/// <param name="DataLength">Bytes of data before the padding to 2880.</param>
public sealed record FitsHdu(FitsHeader Header, long DataOffset, long DataLength)
{
    public bool IsPrimary => Header.Has("SIMPLE");

    public string? Extension => Header["XTENSION"];
}

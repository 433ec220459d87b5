namespace LensSweep.Silo.Tests.Support;

public sealed class FreePortTests
{
    // CI once got the same number for a silo port and a gateway port, so a silo start failed validation.
    [Fact]
    public void Ports_handed_out_by_one_process_never_repeat()
    {
        var ports = Enumerable.Range(0, 500).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}

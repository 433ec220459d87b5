using LensSweep.Grains.Hosting;

namespace LensSweep.Grains.Tests.Hosting;

public sealed class LoopbackPortsTests
{
    // The embedded silo took its silo and gateway ports one at a time, so the OS could give it one port twice.
    [Fact]
    public void Ports_taken_together_are_distinct()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var ports = LoopbackPorts.Take(3);

            Assert.Equal(3, ports.Distinct().Count());
        }
    }
}

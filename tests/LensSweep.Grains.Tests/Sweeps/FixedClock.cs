namespace LensSweep.Grains.Tests.Sweeps;

/// <summary>A clock that always reads <paramref name="now"/>.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

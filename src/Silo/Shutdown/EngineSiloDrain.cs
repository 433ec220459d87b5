using LensSweep.Grains.Hosting;

namespace LensSweep.Silo.Shutdown;

/// <summary>
/// The study engine's drain (<see cref="EngineDrain"/>) as one of the host's drains, so it starts in the host's
/// stopping phase, right after the silo reports not-ready and before Orleans begins to stop. The engine also
/// drains from its own silo-lifecycle stage (embedded silos, tests); whichever comes first does the work.
/// </summary>
internal sealed class EngineSiloDrain(EngineDrain engine) : ISiloDrain
{
    public Task DrainAsync(CancellationToken cancellationToken) => engine.DrainAsync(cancellationToken);
}

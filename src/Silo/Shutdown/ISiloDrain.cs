namespace LensSweep.Silo.Shutdown;

/// <summary>
/// Work a stopping silo must hand over before Orleans leaves the cluster (the study engine: stop each trial at
/// its next safe point, write its checkpoint, release its slot so it resumes on another silo). Called once on
/// SIGTERM, before any grain is deactivated; the token fires when the grace period (Shutdown:GracePeriod) runs out.
/// </summary>
public interface ISiloDrain
{
    Task DrainAsync(CancellationToken cancellationToken);
}

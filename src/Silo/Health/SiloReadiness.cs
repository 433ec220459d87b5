namespace LensSweep.Silo.Health;

/// <summary>
/// Ready from the moment the silo is Active in the cluster until it starts to drain: a load balancer or
/// Kubernetes stops sending new work as soon as shutdown begins, while liveness stays green.
/// </summary>
public sealed class SiloReadiness : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _active;
    private volatile bool _draining;

    public bool IsReady => _active && !_draining;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(SiloReadiness),
            ServiceLifecycleStage.Active,
            _ => { _active = true; return Task.CompletedTask; },
            _ => { _active = false; return Task.CompletedTask; });

    internal void MarkDraining() => _draining = true;
}

using LensSweep.Silo.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LensSweep.Silo.Shutdown;

/// <summary>
/// Runs every <see cref="ISiloDrain"/> in the host's "stopping" phase, which comes before any hosted service
/// (the Orleans silo among them) stops, so drains can still make grain calls.
/// </summary>
internal sealed partial class SiloDrainService(IEnumerable<ISiloDrain> drains, SiloReadiness readiness, ILogger<SiloDrainService> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.MarkDraining();
        foreach (var drain in drains)
        {
            LogDraining(logger, drain.GetType().Name);
            try
            {
                await drain.DrainAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                LogGraceExpired(logger, drain.GetType().Name);
                return;
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Shutting down: draining {Drain}")]
    private static partial void LogDraining(ILogger logger, string drain);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Shutting down: the grace period ran out while draining {Drain}; work since its last checkpoint is lost")]
    private static partial void LogGraceExpired(ILogger logger, string drain);
}

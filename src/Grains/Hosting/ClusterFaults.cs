using Orleans.Runtime;

namespace LensSweep.Grains.Hosting;

/// <summary>
/// Failures the engine expects while the cluster changes (a silo died or is stopping, a call to it timed out):
/// recovery handles them, so they are logged as warnings with their message, not as errors with a stack trace.
/// Anything else is a bug or a broken dependency and keeps its error.
/// </summary>
public static class ClusterFaults
{
    public static bool IsExpected(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException => true,
        AggregateException { InnerExceptions.Count: > 0 } many => many.InnerExceptions.All(IsExpected),
        { InnerException: { } inner } => IsExpected(inner),
        _ => false,
    };
}

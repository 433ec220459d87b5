using System.Net.Sockets;

namespace LensSweep.Client.Engine;

/// <summary>
/// Tells the failures a restarting or failing-over cluster causes (its gateway silo died, a call timed out)
/// from real errors, and how long a run of them has lasted. A console following a study for hours should
/// ride out a silo restart instead of exiting, and still stop waiting for a cluster that is gone for good.
/// </summary>
internal sealed class TransientFailures(TimeSpan giveUpAfter, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long? _firstFailure;

    /// <summary>Notes one more failure in a row; true while the run is shorter than the give-up window.</summary>
    public bool StillWorthWaiting()
    {
        _firstFailure ??= _time.GetTimestamp();
        return _time.GetElapsedTime(_firstFailure.Value) < giveUpAfter;
    }

    /// <summary>A success ends the run of failures.</summary>
    public void Recovered() => _firstFailure = null;

    /// <summary>Orleans' own failures (messaging, connections, no live gateway), time-outs and socket errors;
    /// never an error a grain raised about the request itself.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        OrleansException or TimeoutException or SocketException or IOException => true,
        AggregateException { InnerExceptions.Count: 1 } a => IsTransient(a.InnerExceptions[0]),
        _ => false,
    };
}

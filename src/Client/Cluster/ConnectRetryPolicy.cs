using System.Net.Sockets;

namespace LensSweep.Client.Cluster;

/// <summary>
/// Whether a console's first connection attempt is worth repeating. A slow answer (a machine busy training)
/// is retried until the connect timeout, and a refused gateway is skipped for the next listed one; when every
/// gateway has refused twice nothing listens there, and waiting out the timeout would only delay saying so.
/// </summary>
internal sealed class ConnectRetryPolicy(TimeSpan timeout, int gateways, TimeProvider? time = null)
{
    /// <summary>Short: the client moves to another gateway on each retry, and a slow one is waited on inside the attempt.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _started = (time ?? TimeProvider.System).GetTimestamp();
    private int _refused;

    /// <summary>The first line of the last failure, for the message when connecting gives up.</summary>
    public string? LastFailure { get; private set; }

    public async Task<bool> ShouldRetryAsync(Exception failure, CancellationToken cancellationToken)
    {
        LastFailure = failure.Message;
        if (IsRefused(failure) && ++_refused >= 2 * Math.Max(1, gateways))
        {
            return false;
        }

        var left = timeout - _time.GetElapsedTime(_started);
        if (left <= TimeSpan.Zero)
        {
            return false;
        }

        await Task.Delay(left < Pause ? left : Pause, _time, cancellationToken);
        return true;
    }

    /// <summary>A gateway that refused the TCP connection: nothing listens at that address.</summary>
    public static bool IsRefused(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            // Orleans wraps the socket error in an internal exception that names it only in its message.
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
                || e.Message.Contains(nameof(SocketError.ConnectionRefused), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

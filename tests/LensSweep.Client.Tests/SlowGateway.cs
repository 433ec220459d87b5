using System.Net;
using System.Net.Sockets;
using LensSweep.Client.Cluster;

namespace LensSweep.Client.Tests;

/// <summary>
/// A TCP relay in front of a gateway that waits before passing each connection on, as a machine whose every
/// core is training answers late; with no target it accepts connections and never answers at all.
/// </summary>
internal sealed class SlowGateway : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _accepted = [];
    private readonly Task _accepting;

    /// <param name="target">Where to relay to, once known (a silo that advertises <see cref="Address"/>); null: never answer.</param>
    public SlowGateway(Func<ClusterAddress>? target, TimeSpan delay)
    {
        _listener.Start();
        Address = new ClusterAddress("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);
        _accepting = AcceptAsync(target, delay);
    }

    public ClusterAddress Address { get; }

    private async Task AcceptAsync(Func<ClusterAddress>? target, TimeSpan delay)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_accepted)
                {
                    _accepted.Add(client);
                }

                if (target is not null)
                {
                    _ = RelayAsync(client, target(), delay);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client, ClusterAddress target, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token);
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(target.Host, target.Port, _stop.Token);
            var down = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // The console or the silo closed the connection, or the test ended.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_accepted)
        {
            _accepted.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }
}

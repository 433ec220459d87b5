using System.Net;
using System.Net.Sockets;

namespace LensSweep.Silo.Tests.Support;

internal static class FreePort
{
    // The OS may hand the same just-released port to two listeners in a row, so a test asking for a silo
    // port and a gateway port could get one number twice; ports handed out by this process are never reused.
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A TCP port the OS just reported free on 127.0.0.1 and that this process has not handed out before
    /// (another process can in principle take it before use; the window is tiny).
    /// </summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static async Task<bool> WaitUntilOpenAsync(int port, TimeSpan within, Func<bool> stillWorthWaiting)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && stillWorthWaiting())
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        return false;
    }
}

using System.Net;
using System.Net.Sockets;

namespace LensSweep.EndToEnd.Tests.Support;

internal static class FreePort
{
    /// <summary>A TCP port the OS just reported free on 127.0.0.1 (it can in principle be taken before use; the window is tiny).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

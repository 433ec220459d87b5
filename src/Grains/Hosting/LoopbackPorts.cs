using System.Net;
using System.Net.Sockets;

namespace LensSweep.Grains.Hosting;

/// <summary>Free TCP ports on 127.0.0.1 for a silo started inside another program (the embedded run, benchmarks).</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// Distinct free ports. Every listener stays open until all are taken: asked one at a time, the OS can
    /// give a just-released port again, and a silo port equal to its gateway port cannot bind.
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

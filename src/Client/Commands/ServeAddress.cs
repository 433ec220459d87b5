using System.Net;
using System.Net.Sockets;
using LensSweep.Client.Cluster;

namespace LensSweep.Client.Commands;

/// <summary>
/// <c>--serve [HOST:]PORT</c>: where <c>lenssweep run</c> serves the study page. A port alone binds loopback only
/// (127.0.0.1); a host is an IP address (0.0.0.0 for every interface, [::1] for IPv6) or <c>localhost</c>.
/// </summary>
public static class ServeAddress
{
    /// <returns>The endpoint, or null with <paramref name="problem"/> saying what is wrong in one line.</returns>
    public static IPEndPoint? Parse(string text, out string? problem)
    {
        problem = null;
        var value = text.Trim();
        // The host:port grammar is the console's one (ClusterAddress); a port alone means loopback.
        if (!ClusterAddress.TryParse(value.Contains(':') ? value : "localhost:" + value, out var given))
        {
            problem = value.StartsWith(':')
                ? $"--serve '{text}': give a host before the ':' (as in 0.0.0.0:8080), or the port alone"
                : $"--serve '{text}': the port must be a whole number from 1 to 65535, as in --serve 8080 or --serve 0.0.0.0:8080";
            return null;
        }

        if (given.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, given.Port);
        }

        if (!IPAddress.TryParse(given.Host, out var address))
        {
            problem = $"--serve '{text}': '{given.Host}' is not an IP address; give one (0.0.0.0 for every interface, [::1] for IPv6 loopback) or localhost";
            return null;
        }

        // An IPv6 address needs its brackets here: in "::1:8080" the port could be part of the address.
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !value.StartsWith('['))
        {
            problem = $"--serve '{text}': an IPv6 address needs brackets before its port, as in [::1]:8080";
            return null;
        }

        return new IPEndPoint(address, given.Port);
    }

    /// <summary>Whether a page bound there is reachable from other machines (anything but loopback), where anyone who
    /// reaches the port reads the studies unless a token is set.</summary>
    public static bool IsReachableFromOtherMachines(IPEndPoint endpoint) => !IPAddress.IsLoopback(endpoint.Address);
}

using System.Globalization;
using System.Net;

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
        var colon = value.LastIndexOf(':');
        var host = colon < 0 ? null : value[..colon];
        var portText = colon < 0 ? value : value[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problem = $"--serve '{text}': the port must be a whole number from 1 to 65535, as in --serve 8080 or --serve 0.0.0.0:8080";
            return null;
        }

        if (host is null || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (!IPAddress.TryParse(bare, out var address) || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && bare == host))
        {
            problem = $"--serve '{text}': '{host}' is not an IP address; give one (0.0.0.0 for every interface, [::1] for IPv6 loopback) or localhost";
            return null;
        }

        return new IPEndPoint(address, port);
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Client.Cluster;

/// <summary>
/// Gateways reached through a forward (<c>kubectl port-forward</c>, an SSH tunnel): the console dials the forward,
/// while the Orleans client must know each gateway by the address its silo advertises.
/// </summary>
/// <remarks>
/// Why the advertised address is needed: the Orleans client names the gateway it dialled as the target silo of its
/// system-target calls (the first is the cluster manifest it waits for while connecting), and the gateway serves such a
/// call only when that address is its own (<c>Gateway.IsTargetingLocalGateway</c> in Orleans.Runtime 10.4.2);
/// otherwise it passes the call on to a "silo" at the forward's address, which is no member, so connecting never
/// finishes. So the client is given the advertised addresses as its gateways and its connection factory dials, for
/// each, the forward in front of it. The gateway's own address is not learnt from the gateway: Orleans tells a client
/// the gateway's identity only inside its connection preamble, through no public API.
/// </remarks>
public static class GatewayForwarding
{
    /// <summary>Read, with <see cref="ClusterAddress.EnvironmentVariable"/>, when neither <c>--cluster</c> nor <c>--forwarded-to</c> is given.</summary>
    public const string EnvironmentVariable = "LENSSWEEP_FORWARDED_TO";

    /// <summary>The one rule for <c>--forwarded-to</c>: one advertised IP address and port per gateway given, in order.</summary>
    /// <param name="gateways">What the console dials (<c>--cluster</c>).</param>
    /// <param name="forwardedTo">What each forward leads to, as the user wrote it.</param>
    /// <param name="advertised">The advertised endpoints, in the order of <paramref name="gateways"/>.</param>
    /// <param name="problem">What is wrong, as a phrase after the option's name; null when the pairing holds.</param>
    public static bool TryPair(
        IReadOnlyList<ClusterAddress> gateways, IReadOnlyList<ClusterAddress> forwardedTo, out IReadOnlyList<IPEndPoint> advertised, [NotNullWhen(false)] out string? problem)
    {
        advertised = [];
        var endpoints = new List<IPEndPoint>();
        foreach (var address in forwardedTo)
        {
            if (!IPAddress.TryParse(address.Host, out var ip))
            {
                problem = $"must name the IP address the silo advertises (for a pod, its IP), not a host name: '{address}' is not an IP address";
                return false;
            }

            endpoints.Add(new IPEndPoint(ip, address.Port));
        }

        if (CountProblem(gateways.Count, endpoints.Count) is { } countProblem)
        {
            problem = countProblem;
            return false;
        }

        advertised = endpoints;
        problem = null;
        return true;
    }

    /// <summary>Each advertised gateway and the addresses of the forward in front of it, the dialling map of
    /// <see cref="DialThroughForwards"/>: the <paramref name="advertised"/> gateways pair, in order, with the
    /// <paramref name="forwards"/> (the <c>--cluster</c> entries, each resolved), as <see cref="TryPair"/> paired them.</summary>
    /// <exception cref="ArgumentException">They do not pair one to one (a target built without <see cref="TryPair"/>).</exception>
    public static IReadOnlyDictionary<IPEndPoint, IReadOnlyList<IPEndPoint>> Forwards(
        IReadOnlyList<IPEndPoint> advertised, IReadOnlyList<IReadOnlyList<IPEndPoint>> forwards)
    {
        ArgumentNullException.ThrowIfNull(advertised);
        ArgumentNullException.ThrowIfNull(forwards);
        if (CountProblem(forwards.Count, advertised.Count) is { } problem)
        {
            throw new ArgumentException($"--forwarded-to {problem}", nameof(advertised));
        }

        return advertised.Zip(forwards).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary>The pairing's count rule: one advertised address per gateway; null when it holds.</summary>
    private static string? CountProblem(int gateways, int advertised) => advertised == gateways
        ? null
        : $"names {Count(advertised)} but --cluster names {Count(gateways)}; give the advertised address of each --cluster entry, in the same order";

    /// <summary>
    /// Makes the client's connections to each advertised gateway (<paramref name="forwards"/>' keys) dial its forward
    /// instead, trying the forward's addresses in order (a forward on <c>localhost</c> may listen on IPv4 and IPv6).
    /// Every other connection is dialled as Orleans asks. TLS and the rest of the connection's middleware run above the
    /// dialled socket, so they are unchanged.
    /// </summary>
    /// <remarks>
    /// Orleans 10.4.2 dials gateways through the one keyed <see cref="IConnectionFactory"/> it registers for the client
    /// (a socket factory; the testing host replaces it the same way with its in-memory transport); that registration is
    /// wrapped here.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The client does not register exactly one keyed connection factory.</exception>
    public static IClientBuilder DialThroughForwards(this IClientBuilder client, IReadOnlyDictionary<IPEndPoint, IReadOnlyList<IPEndPoint>> forwards)
    {
        ArgumentNullException.ThrowIfNull(client);
        var factories = client.Services.Where(d => d.ServiceType == typeof(IConnectionFactory) && d.IsKeyedService).ToList();
        if (factories.Count != 1)
        {
            throw new InvalidOperationException(
                $"The Orleans client registers {factories.Count} keyed connection factories where one was expected; this console cannot dial gateways through a forward with this Orleans version.");
        }

        var original = factories[0];
        client.Services.Remove(original);
        client.Services.Add(ServiceDescriptor.KeyedSingleton<IConnectionFactory>(
            original.ServiceKey,
            (services, key) => new ForwardingConnectionFactory(Create(original, services, key), forwards)));
        return client;
    }

    private static IConnectionFactory Create(ServiceDescriptor descriptor, IServiceProvider services, object? key) => (IConnectionFactory)(
        descriptor.KeyedImplementationInstance
        ?? descriptor.KeyedImplementationFactory?.Invoke(services, key)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.KeyedImplementationType!));

    private static string Count(int gateways) => gateways == 1 ? "1 gateway" : $"{gateways} gateways";
}

/// <summary>Dials the forward of an advertised gateway, trying its addresses in order; any other endpoint as asked.</summary>
internal sealed class ForwardingConnectionFactory(IConnectionFactory inner, IReadOnlyDictionary<IPEndPoint, IReadOnlyList<IPEndPoint>> forwards) : IConnectionFactory
{
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint ip || !forwards.TryGetValue(ip, out var locals) || locals.Count == 0)
        {
            return await inner.ConnectAsync(endpoint, cancellationToken);
        }

        for (var i = 0; ; i++)
        {
            try
            {
                return await inner.ConnectAsync(locals[i], cancellationToken);
            }
            catch (Exception) when (i < locals.Count - 1 && !cancellationToken.IsCancellationRequested)
            {
                // The next address of the same forward may answer.
            }
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LensSweep.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace LensSweep.Client.Cluster;

/// <summary>An Orleans client connected to a cluster through one of its gateways; disposing it disconnects.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, ClusterTarget target)
    {
        _host = host;
        Target = target;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public ClusterTarget Target { get; }

    public IClusterClient Client { get; }

    /// <summary>
    /// Connects through any of the target's gateways, or fails within <see cref="ClusterTarget.ConnectTimeout"/>
    /// with a <see cref="CliInputException"/> that names every address tried, for how long, and what to check.
    /// Once connected, the Orleans client moves to another listed gateway when the one it uses dies. With
    /// <see cref="ClusterTarget.ForwardedTo"/>, each gateway is known by its advertised address and dialled at its
    /// forward (<see cref="GatewayForwarding"/>).
    /// </summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var resolved = new List<IReadOnlyList<IPEndPoint>>();
        foreach (var address in target.Gateways)
        {
            resolved.Add(await ResolveAsync(target, address, cancellationToken));
        }

        // Through forwards, the client knows each gateway by its advertised address and dials the forward in front of it.
        var forwards = target.ForwardedTo is { } advertised ? GatewayForwarding.Forwards(advertised, resolved) : null;
        IPEndPoint[] gateways = target.ForwardedTo is { } known ? [.. known] : [.. resolved.SelectMany(r => r)];
        var retry = new ConnectRetryPolicy(target.ConnectTimeout, gateways.Length);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateways);
            if (forwards is not null)
            {
                client.DialThroughForwards(forwards);
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = target.ClusterId;
                o.ServiceId = target.ServiceId;
            });

            // Orleans' own 5 s limit on opening a connection is what a busy machine missed.
            client.Configure<ConnectionOptions>(o => o.OpenConnectionTimeout = target.ConnectTimeout);
            client.UseConnectionRetryFilter(retry.ShouldRetryAsync);
            if (target.Tls is { } tls)
            {
                client.UseLensSweepTls(tls);
            }
        });
        var host = builder.Build();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
            return new ClusterConnection(host, target);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            var reason = e is OperationCanceledException ? retry.LastFailure ?? "no answer" : e.Message;
            throw Unreachable(target, $"tried for {Seconds(clock.Elapsed)} s: {FirstLine(reason)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }

    internal static CliInputException Unreachable(ClusterTarget target, string reason) => new(
        $"no LensSweep cluster at {target} ({reason})",
        $"Start a silo there with 'lenssweep-silo', point at other gateways with --cluster host:port[,host:port…] (or {ClusterAddress.EnvironmentVariable}), "
        + $"give the silos' ids with --cluster-id/--service-id (or {ClusterTarget.ClusterIdVariable}/{ClusterTarget.ServiceIdVariable}), "
        + ForwardRemedy(target)
        + TlsRemedy(target)
        + "wait longer with --connect-timeout, or run the study on this machine with 'lenssweep run <spec>'.");

    /// <summary>A forward without the address behind it looks like no answer too: the gateway takes the connection, then ignores the client.</summary>
    private static string ForwardRemedy(ClusterTarget target) => target.ForwardedTo is null
        ? "if --cluster is a port-forward (kubectl port-forward) give the gateway address it leads to, as the silo advertises it, with --forwarded-to, "
        : "check that each forward is running and that --forwarded-to is the address its silo advertises (for a pod, its IP), ";

    /// <summary>A TLS mismatch looks like no answer at all (the handshake is refused), so the remedy names the TLS options too.</summary>
    private static string TlsRemedy(ClusterTarget target) => target.Tls is null
        ? "if the silos speak TLS give --tls-ca (and --tls-cert where they require a client certificate), "
        : "check that the silos speak TLS, that --tls-ca is the authority of their certificate and, where they require one, that --tls-cert is issued by an authority they trust, ";

    private static async Task<IPEndPoint[]> ResolveAsync(ClusterTarget target, ClusterAddress address, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(address.Host, out var ip))
        {
            return [new IPEndPoint(ip, address.Port)];
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(address.Host, cancellationToken);
            return addresses.Length == 0
                ? throw Unreachable(target, $"the host name {address.Host} has no addresses")
                : addresses.Select(a => new IPEndPoint(a, address.Port)).ToArray();
        }
        catch (SocketException e)
        {
            throw Unreachable(target, $"cannot resolve the host name {address.Host}: {e.Message}");
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd('.');
    }
}

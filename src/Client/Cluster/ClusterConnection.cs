using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace LensSweep.Client.Cluster;

/// <summary>An Orleans client connected to a cluster's gateway; disposing it disconnects.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, ClusterAddress address)
    {
        _host = host;
        Address = address;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public ClusterAddress Address { get; }

    public IClusterClient Client { get; }

    /// <summary>Connects, or fails within <see cref="ClusterConnectionOptions.ConnectTimeout"/> with a <see cref="CliInputException"/>
    /// that names the address and how to start a silo.</summary>
    public static async Task<ClusterConnection> ConnectAsync(
        ClusterAddress address, ClusterConnectionOptions options, CancellationToken cancellationToken)
    {
        var gateways = await ResolveAsync(address, cancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateways);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });

            // One attempt: a console should report a dead address, not retry it forever.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        var host = builder.Build();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
            return new ClusterConnection(host, address);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            var reason = e is OperationCanceledException ? $"no answer within {options.ConnectTimeout.TotalSeconds:0} s" : e.Message;
            throw Unreachable(address, reason);
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

    internal static CliInputException Unreachable(ClusterAddress address, string reason) => new(
        $"no LensSweep cluster at {address} ({FirstLine(reason)})",
        $"Start a silo there with 'lenssweep-silo', point at another gateway with --cluster host:port (or {ClusterAddress.EnvironmentVariable}), "
        + "or run the study on this machine with 'lenssweep run <spec>'.");

    private static async Task<IPEndPoint[]> ResolveAsync(ClusterAddress address, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(address.Host, out var ip))
        {
            return [new IPEndPoint(ip, address.Port)];
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(address.Host, cancellationToken);
            return addresses.Length == 0
                ? throw Unreachable(address, "the host name has no addresses")
                : addresses.Select(a => new IPEndPoint(a, address.Port)).ToArray();
        }
        catch (SocketException e)
        {
            throw Unreachable(address, $"cannot resolve the host name: {e.Message}");
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd('.');
    }
}

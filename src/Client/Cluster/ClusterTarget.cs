using System.Globalization;
using System.Net;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Security;

namespace LensSweep.Client.Cluster;

/// <summary>
/// Which cluster a command joins and how long it waits: the gateways to try (any live one will do), the
/// cluster and service ids the silos were started with, and the connect timeout.
/// </summary>
/// <param name="Gateways">At least one; the client fails over between them for as long as one answers.</param>
/// <param name="Tls">The certificate and authorities of a TLS connection; null: plain TCP.</param>
/// <param name="ForwardedTo">When <paramref name="Gateways"/> are forwards (kubectl port-forward): the gateway address
/// each leads to, as its silo advertises it, in the same order (<see cref="GatewayForwarding"/>); null: the gateways
/// are dialled as the silos advertise them.</param>
public sealed record ClusterTarget(
    IReadOnlyList<ClusterAddress> Gateways, string ClusterId, string ServiceId, TimeSpan ConnectTimeout, TlsMaterial? Tls = null, string? RunFolder = null,
    IReadOnlyList<IPEndPoint>? ForwardedTo = null)
{
    /// <summary>Read when <c>--cluster-id</c> is not given; the variable lenssweep-silo reads its cluster id from.</summary>
    public const string ClusterIdVariable = SiloConfiguration.EnvironmentPrefix + "CLUSTERID";

    /// <summary>Read when <c>--service-id</c> is not given; the variable lenssweep-silo reads its service id from.</summary>
    public const string ServiceIdVariable = SiloConfiguration.EnvironmentPrefix + "SERVICEID";

    /// <summary>
    /// A machine whose every core is training answers a handshake slowly; a console that gave up after a few
    /// seconds reported "no cluster" for a cluster that was there.
    /// </summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    // The silo's own defaults, so a console and a silo started without options always agree.
    private static readonly SiloHostOptions SiloDefaults = new();

    public static string DefaultClusterId => SiloDefaults.ClusterId;

    public static string DefaultServiceId => SiloDefaults.ServiceId;

    /// <summary>The local default gateway, ids and timeout: what a console with no options and no variables joins.</summary>
    public static ClusterTarget Default { get; } = new([ClusterAddress.Default], DefaultClusterId, DefaultServiceId, DefaultConnectTimeout);

    /// <summary>The gateways as the user would write them for <c>--cluster</c>.</summary>
    public string GatewayList => string.Join(',', Gateways);

    /// <summary>For messages: "127.0.0.1:30000 (cluster lenssweep)" or several gateways, each forward's gateway, a
    /// non-default service id, and TLS when on.</summary>
    public override string ToString() =>
        (ServiceId == DefaultServiceId ? $"{GatewaysText} (cluster {ClusterId}" : $"{GatewaysText} (cluster {ClusterId}, service {ServiceId}")
        + (Tls is null ? ")" : ", TLS)");

    private string GatewaysText => ForwardedTo is null
        ? string.Join(", ", Gateways)
        : string.Join(", ", Gateways.Zip(ForwardedTo, (local, advertised) => $"{local} (forwarded to {advertised})"));

    /// <summary>How long connecting was given, e.g. "30 s".</summary>
    public string ConnectTimeoutText => string.Create(CultureInfo.InvariantCulture, $"{ConnectTimeout.TotalSeconds:0.#} s");
}

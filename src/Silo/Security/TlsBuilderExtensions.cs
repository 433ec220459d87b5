using Orleans.Configuration;
using Orleans.Connections.Security;

namespace LensSweep.Silo.Security;

/// <summary>Puts <see cref="TlsMaterial"/> on the Orleans connections, the one place that maps it onto Orleans' TLS options.</summary>
public static class TlsBuilderExtensions
{
    /// <summary>
    /// TLS on every connection of the silo. Silo to silo is always mutual: each silo presents its certificate and
    /// accepts only peers whose certificate <see cref="TlsMaterial.Trusts"/>. The gateway presents the certificate to
    /// clients and, with <see cref="TlsMaterial.RequireClientCertificate"/>, refuses clients without a trusted one.
    /// </summary>
    public static ISiloBuilder UseLensSweepTls(this ISiloBuilder silo, TlsMaterial tls)
    {
        ArgumentNullException.ThrowIfNull(tls.Certificate, nameof(tls));
        var siloLinks = Options(tls, RemoteCertificateMode.RequireCertificate);
        var gateway = Options(tls, tls.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.NoCertificate);
        return silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(c => c.UseServerTls(siloLinks));
            connections.ConfigureSiloOutboundConnection(c => c.UseClientTls(siloLinks));
            connections.ConfigureGatewayInboundConnection(c => c.UseServerTls(gateway));
        });
    }

    /// <summary>TLS to the gateways: the silo's certificate must be trusted; this side's certificate, if any, is presented.</summary>
    public static IClientBuilder UseLensSweepTls(this IClientBuilder client, TlsMaterial tls)
    {
        var options = Options(tls, RemoteCertificateMode.RequireCertificate);
        options.ClientCertificateMode = tls.Certificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate;
        return client.Configure<ClientConnectionOptions>(connections => connections.ConfigureConnection(c => c.UseClientTls(options)));
    }

    /// <param name="remote">What the other end must present; a listener asks a client for a certificate only when it is required.</param>
    private static TlsOptions Options(TlsMaterial tls, RemoteCertificateMode remote) => new()
    {
        LocalCertificate = tls.Certificate,
        RemoteCertificateMode = remote,
        ClientCertificateMode = remote,
        RemoteCertificateValidation = (certificate, _, errors) => tls.Trusts(certificate, errors),
    };
}

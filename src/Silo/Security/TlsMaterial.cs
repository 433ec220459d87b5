using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LensSweep.Silo.Security;

/// <summary>
/// What one side of an Orleans connection proves and whom it trusts, loaded and checked by <see cref="TlsCertificates.Load"/>.
/// </summary>
/// <param name="Certificate">This side's certificate with its private key; null only for a console that presents none.</param>
/// <param name="Authorities">The roots a peer must chain to; null: the system's trusted roots.</param>
/// <param name="RequireClientCertificate">Silo: its gateway refuses clients without a trusted certificate.</param>
public sealed record TlsMaterial(X509Certificate2? Certificate, X509Certificate2Collection? Authorities, bool RequireClientCertificate)
{
    /// <summary>
    /// Whether a peer's certificate is trusted: it chains to <see cref="Authorities"/> (or, without them, to the system's
    /// roots) and is within its validity period. Host names are not compared: Orleans dials silos and gateways by IP
    /// address, so a peer is identified by the authority that issued its certificate, which is why a private CA (or one
    /// self-signed certificate shared by the cluster) belongs in <see cref="TransportTlsOptions.CaPath"/>.
    /// </summary>
    public bool Trusts(X509Certificate2 peer, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return false;
        if (Authorities is null)
            return !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }

    /// <summary>For the start-up log: subject, thumbprint and expiry, nothing secret.</summary>
    public string Describe() => Certificate is { } c
        ? $"{c.Subject} ({c.Thumbprint}, valid until {c.NotAfter.ToUniversalTime():yyyy-MM-dd})"
        : "no certificate";
}

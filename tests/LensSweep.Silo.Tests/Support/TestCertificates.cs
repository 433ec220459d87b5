using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LensSweep.Silo.Tests.Support;

/// <summary>
/// Certificates made in the test (CertificateRequest, ECDSA P-256) and written as an operator would hand them over:
/// PEM with the key inside or beside, an encrypted key, PKCS#12. The folder is deleted with the instance.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public string Folder { get; } = Directory.CreateTempSubdirectory("lenssweep-tls-").FullName;

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>A self-signed certificate that can also sign others (the cluster's own authority), valid now unless told otherwise.</summary>
    public static X509Certificate2 Authority(string subject = "CN=lenssweep-test-ca", DateTimeOffset? notAfter = null, bool serverAuth = true, bool clientAuth = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(subject, key, serverAuth, clientAuth);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, critical: false));
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        return request.CreateSelfSigned(end.AddDays(-60), end);
    }

    /// <summary>A certificate for TLS issued by <paramref name="issuer"/>, with its private key.</summary>
    public static X509Certificate2 IssuedBy(X509Certificate2 issuer, string subject, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(subject, key, serverAuth: true, clientAuth: true);
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(20);
        // Within the issuer's validity: a certificate may not start before its issuer.
        var start = new DateTimeOffset(issuer.NotBefore.ToUniversalTime(), TimeSpan.Zero).AddMinutes(1);
        using var signed = request.Create(issuer, start, end, RandomNumberGenerator.GetBytes(8));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Certificate and key in one PEM file.</summary>
    public string Pem(X509Certificate2 certificate, string name) =>
        Write(name + ".pem", certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");

    /// <summary>The certificate alone in PEM (what a peer trusts, or a certificate file missing its key).</summary>
    public string CertificateOnly(X509Certificate2 certificate, string name) => Write(name + ".crt", certificate.ExportCertificatePem() + "\n");

    /// <summary>tls.crt and tls.key as Kubernetes' TLS Secrets hold them.</summary>
    public (string Certificate, string Key) PemPair(X509Certificate2 certificate, string name, string? password = null)
    {
        var key = certificate.GetECDsaPrivateKey()!;
        var keyPem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
        return (CertificateOnly(certificate, name), Write(name + ".key", keyPem + "\n"));
    }

    public string Pfx(X509Certificate2 certificate, string name, string password)
    {
        var path = Path.Combine(Folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    public string Missing(string name) => Path.Combine(Folder, name);

    private static CertificateRequest Request(string subject, ECDsa key, bool serverAuth, bool clientAuth)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var usages = new OidCollection();
        if (serverAuth)
            usages.Add(new Oid(ServerAuthentication));
        if (clientAuth)
            usages.Add(new Oid(ClientAuthentication));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));
        return request;
    }

    private string Write(string fileName, string text)
    {
        var path = Path.Combine(Folder, fileName);
        File.WriteAllText(path, text);
        return path;
    }
}

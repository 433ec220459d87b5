namespace LensSweep.Silo.Security;

/// <summary>
/// TLS on the Orleans connections (silo to silo, console to gateway), bound from the "Tls" section: Tls:Enabled,
/// Tls:CertificatePath, … in appsettings.json, LENSSWEEP_TLS__ENABLED, LENSSWEEP_TLS__CERTIFICATEPATH, … in the
/// environment. The console reads the same variables, so a console started beside a silo (kubectl exec) joins it as is.
/// </summary>
public sealed class TransportTlsOptions
{
    /// <summary>Encrypt and authenticate the Orleans connections. Off: plain TCP, as before.</summary>
    public bool Enabled { get; set; }

    /// <summary>This side's certificate: a PEM file (the key in the same file or in <see cref="KeyPath"/>) or a PKCS#12 (.pfx/.p12) file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key, when <see cref="CertificatePath"/> holds only the certificate (Kubernetes' tls.key).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 file's password, or an encrypted PEM key's. A secret: give it in the environment.</summary>
    public string? Password { get; set; }

    /// <summary>Instead of a file: the certificate with this thumbprint (SHA-1, hex) in <see cref="StoreLocation"/>/<see cref="StoreName"/>.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>The certificate store searched for <see cref="Thumbprint"/>: My, Root, …</summary>
    public string StoreName { get; set; } = "My";

    /// <summary>CurrentUser or LocalMachine.</summary>
    public string StoreLocation { get; set; } = "CurrentUser";

    /// <summary>
    /// PEM file of the certificate authorities a peer's certificate must chain to (Kubernetes' ca.crt; for a self-signed
    /// certificate, the certificate itself). Unset: the system's trusted roots.
    /// </summary>
    public string? CaPath { get; set; }

    /// <summary>Silo: the gateway refuses a client (console) that presents no certificate chaining to <see cref="CaPath"/> (mutual TLS).</summary>
    public bool RequireClientCertificate { get; set; }
}

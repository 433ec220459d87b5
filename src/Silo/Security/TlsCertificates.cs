using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LensSweep.Silo.Security;

/// <summary>Which end of the Orleans connections a certificate serves.</summary>
public enum TlsRole
{
    /// <summary>A silo: it accepts connections (server authentication) and dials other silos (client authentication); a certificate is required.</summary>
    Silo,

    /// <summary>A console: it dials gateways; its certificate (client authentication) is needed only where the gateway requires one.</summary>
    Client,
}

/// <summary>
/// The one home of the TLS settings' rules: what a setting must look like (<see cref="SettingProblems"/>) and what the
/// files or store hold (<see cref="Load"/>): a missing file, a wrong password, no private key, an expired or
/// not-yet-valid certificate, one not meant for TLS. Each problem is one line naming the setting, so the silo and the
/// console refuse to start with it rather than fail every handshake later.
/// </summary>
public static class TlsCertificates
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>The problems visible in the settings alone, without reading a file.</summary>
    /// <param name="key">The name the user gave a setting by: "Tls:CertificatePath" for the silo, "--tls-cert" for the console.</param>
    public static IReadOnlyList<string> SettingProblems(TransportTlsOptions tls, TlsRole role, Func<string, string> key)
    {
        var problems = new List<string>();
        var fromFile = !string.IsNullOrWhiteSpace(tls.CertificatePath);
        var fromStore = !string.IsNullOrWhiteSpace(tls.Thumbprint);
        if (!tls.Enabled)
        {
            if (fromFile || fromStore || !string.IsNullOrWhiteSpace(tls.CaPath) || tls.RequireClientCertificate)
                problems.Add($"{key(nameof(tls.Enabled))} is false but TLS settings are given; enable TLS or remove them");
            return problems;
        }
        if (fromFile && fromStore)
            problems.Add($"{key(nameof(tls.CertificatePath))} and {key(nameof(tls.Thumbprint))} are both set; give the certificate one way");
        else if (!fromFile && !fromStore && role == TlsRole.Silo)
            problems.Add($"{key(nameof(tls.Enabled))} is true but no certificate is given; set {key(nameof(tls.CertificatePath))} (PEM or PKCS#12) or {key(nameof(tls.Thumbprint))}");
        if (!fromFile && !string.IsNullOrWhiteSpace(tls.KeyPath))
            problems.Add($"{key(nameof(tls.KeyPath))} is set without {key(nameof(tls.CertificatePath))}");
        if (fromStore)
        {
            if (!Enum.TryParse<StoreName>(tls.StoreName, ignoreCase: true, out _))
                problems.Add($"{key(nameof(tls.StoreName))} '{tls.StoreName}' is not a certificate store; expected {string.Join(", ", Enum.GetNames<StoreName>())}");
            if (!Enum.TryParse<StoreLocation>(tls.StoreLocation, ignoreCase: true, out _))
                problems.Add($"{key(nameof(tls.StoreLocation))} '{tls.StoreLocation}' is not a store location; expected CurrentUser or LocalMachine");
        }
        return problems;
    }

    /// <summary>Reads the certificate and the authorities and checks them; null when TLS is off.</summary>
    /// <param name="now">The moment the certificate must be valid at.</param>
    /// <param name="problems">Every problem found, one line each; empty when the material is usable.</param>
    public static TlsMaterial? Load(TransportTlsOptions tls, TlsRole role, Func<string, string> key, DateTimeOffset now, out IReadOnlyList<string> problems)
    {
        var found = new List<string>(SettingProblems(tls, role, key));
        problems = found;
        if (!tls.Enabled || found.Count > 0)
            return null;

        X509Certificate2? certificate = null;
        string? certificateProblem;
        if (!string.IsNullOrWhiteSpace(tls.CertificatePath))
            certificateProblem = FromFile(tls, key, out certificate);
        else if (!string.IsNullOrWhiteSpace(tls.Thumbprint))
            certificateProblem = FromStore(tls, key, out certificate);
        else
            certificateProblem = null;
        if (certificateProblem is not null)
            found.Add(certificateProblem);
        else if (certificate is not null)
            found.AddRange(Unusable(certificate, role, now).Select(p => $"{Source(tls, key)}: the certificate {certificate.Subject} {p}"));

        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(tls.CaPath) && Authorities(tls.CaPath, key(nameof(tls.CaPath)), out authorities) is { } caProblem)
            found.Add(caProblem);

        return found.Count > 0 ? null : new TlsMaterial(certificate, authorities, role == TlsRole.Silo && tls.RequireClientCertificate);
    }

    /// <summary>Why <paramref name="certificate"/> cannot serve <paramref name="role"/> at <paramref name="now"/>, as phrases following its subject.</summary>
    public static IEnumerable<string> Unusable(X509Certificate2 certificate, TlsRole role, DateTimeOffset now)
    {
        if (!certificate.HasPrivateKey)
            yield return "has no private key";
        if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
            yield return $"expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
        if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
            yield return $"is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault()?.EnhancedKeyUsages;
        if (usages is null)
            yield break;
        var oids = usages.Cast<Oid>().Select(o => o.Value).ToHashSet();
        if (role == TlsRole.Silo && !oids.Contains(ServerAuthentication))
            yield return "is not meant for server authentication (its extended key usage lacks 1.3.6.1.5.5.7.3.1), which a silo's listener needs";
        if (!oids.Contains(ClientAuthentication))
            yield return role == TlsRole.Silo
                ? "is not meant for client authentication (its extended key usage lacks 1.3.6.1.5.5.7.3.2), which a silo dialling another silo needs"
                : "is not meant for client authentication (its extended key usage lacks 1.3.6.1.5.5.7.3.2)";
    }

    private static string Source(TransportTlsOptions tls, Func<string, string> key) =>
        string.IsNullOrWhiteSpace(tls.CertificatePath)
            ? $"{key(nameof(tls.Thumbprint))} {tls.Thumbprint}"
            : $"{key(nameof(tls.CertificatePath))} '{tls.CertificatePath}'";

    private static string? FromFile(TransportTlsOptions tls, Func<string, string> key, out X509Certificate2? certificate)
    {
        certificate = null;
        var path = tls.CertificatePath!;
        var where = $"{key(nameof(tls.CertificatePath))} '{path}'";
        if (!File.Exists(path))
            return $"{where} does not exist";
        if (!string.IsNullOrWhiteSpace(tls.KeyPath) && !File.Exists(tls.KeyPath))
            return $"{key(nameof(tls.KeyPath))} '{tls.KeyPath}' does not exist";
        try
        {
            var text = File.ReadAllText(path);
            if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                return FromPkcs12(tls, key, where, out certificate);
            var keyPath = string.IsNullOrWhiteSpace(tls.KeyPath) ? null : tls.KeyPath;
            var keyText = keyPath is null ? text : File.ReadAllText(keyPath);
            var keyWhere = keyPath is null ? where : $"{key(nameof(tls.KeyPath))} '{keyPath}'";
            if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                return keyPath is null
                    ? $"{where} holds a certificate but no private key; put the key in the same file or give {key(nameof(tls.KeyPath))}"
                    : $"{keyWhere} holds no PEM private key";
            var encrypted = keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
            if (encrypted && string.IsNullOrEmpty(tls.Password))
                return $"{keyWhere} holds an encrypted private key; give its {key(nameof(tls.Password))}";
            try
            {
                certificate = encrypted
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, tls.Password, keyPath)
                    : X509Certificate2.CreateFromPemFile(path, keyPath);
                return null;
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                return encrypted
                    ? $"{key(nameof(tls.Password))} does not decrypt the private key in {keyWhere}, or that key does not belong to the certificate in {where}"
                    : $"the private key in {keyWhere} does not belong to the certificate in {where}, or is damaged";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{where} cannot be read: {e.Message}";
        }
    }

    private static string? FromPkcs12(TransportTlsOptions tls, Func<string, string> key, string where, out X509Certificate2? certificate)
    {
        certificate = null;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath!, tls.Password);
            return null;
        }
        catch (CryptographicException)
        {
            return string.IsNullOrEmpty(tls.Password)
                ? $"{where} is neither a PEM certificate nor a PKCS#12 file that opens without a password; give its {key(nameof(tls.Password))} if it has one"
                : $"{where} does not open with the {key(nameof(tls.Password))} given (wrong password, or not a PKCS#12 file)";
        }
    }

    private static string? FromStore(TransportTlsOptions tls, Func<string, string> key, out X509Certificate2? certificate)
    {
        certificate = null;
        var name = Enum.Parse<StoreName>(tls.StoreName, ignoreCase: true);
        var location = Enum.Parse<StoreLocation>(tls.StoreLocation, ignoreCase: true);
        var thumbprint = new string(tls.Thumbprint!.Where(char.IsAsciiHexDigit).ToArray());
        try
        {
            using var store = new X509Store(name, location);
            store.Open(OpenFlags.ReadOnly);
            var matches = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
            if (matches.Count == 0)
                return $"{key(nameof(tls.Thumbprint))} {tls.Thumbprint}: no such certificate in {location}/{name}";
            certificate = matches[0];
            return null;
        }
        catch (CryptographicException e)
        {
            return $"{key(nameof(tls.Thumbprint))} {tls.Thumbprint}: the store {location}/{name} cannot be opened ({e.Message.TrimEnd('.')})";
        }
    }

    private static string? Authorities(string path, string settingKey, out X509Certificate2Collection? authorities)
    {
        authorities = null;
        if (!File.Exists(path))
            return $"{settingKey} '{path}' does not exist";
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"{settingKey} '{path}' cannot be read as PEM certificates: {e.Message.TrimEnd('.')}";
        }
        if (collection.Count == 0)
            return $"{settingKey} '{path}' holds no PEM certificate";
        authorities = collection;
        return null;
    }
}

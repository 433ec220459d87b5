using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Security;
using LensSweep.Silo.Tests.Support;

namespace LensSweep.Silo.Tests.Security;

/// <summary>Every way a TLS setting can be wrong is one line naming the setting, found before the silo starts.</summary>
public sealed class TlsCertificatesTests : IDisposable
{
    private static readonly X509Certificate2 Cluster = TestCertificates.Authority();
    private readonly TestCertificates _files = new();

    public void Dispose() => _files.Dispose();

    private static TlsMaterial? Load(TransportTlsOptions settings, out IReadOnlyList<string> problems, TlsRole role = TlsRole.Silo) =>
        TlsCertificates.Load(settings, role, SiloConfiguration.TlsKey, DateTimeOffset.UtcNow, out problems);

    private static string Problem(TransportTlsOptions settings, TlsRole role = TlsRole.Silo)
    {
        Assert.Null(Load(settings, out var problems, role));
        return Assert.Single(problems);
    }

    [Fact]
    public void A_pem_file_holding_certificate_and_key_loads_with_its_private_key()
    {
        var tls = Load(new() { Enabled = true, CertificatePath = _files.Pem(Cluster, "silo") }, out var problems);

        Assert.Empty(problems);
        Assert.Equal(Cluster.Thumbprint, tls!.Certificate!.Thumbprint);
        Assert.True(tls.Certificate.HasPrivateKey);
    }

    [Fact]
    public void A_certificate_and_key_in_separate_pem_files_load_as_a_kubernetes_tls_secret_holds_them()
    {
        var (certificate, key) = _files.PemPair(Cluster, "tls");

        var tls = Load(new() { Enabled = true, CertificatePath = certificate, KeyPath = key }, out var problems);

        Assert.Empty(problems);
        Assert.True(tls!.Certificate!.HasPrivateKey);
    }

    [Fact]
    public void An_encrypted_pem_key_loads_with_its_password()
    {
        var (certificate, key) = _files.PemPair(Cluster, "tls", password: "s3cret");

        var tls = Load(new() { Enabled = true, CertificatePath = certificate, KeyPath = key, Password = "s3cret" }, out var problems);

        Assert.Empty(problems);
        Assert.True(tls!.Certificate!.HasPrivateKey);
    }

    [Fact]
    public void A_pkcs12_file_loads_with_its_password()
    {
        var tls = Load(new() { Enabled = true, CertificatePath = _files.Pfx(Cluster, "silo", "s3cret"), Password = "s3cret" }, out var problems);

        Assert.Empty(problems);
        Assert.Equal(Cluster.Thumbprint, tls!.Certificate!.Thumbprint);
    }

    [Fact]
    public void Tls_off_loads_nothing_and_finds_nothing_wrong()
    {
        Assert.Null(Load(new(), out var problems));
        Assert.Empty(problems);
    }

    [Fact]
    public void A_missing_certificate_file_names_the_setting_and_the_path()
    {
        var path = _files.Missing("silo.pem");

        Assert.Equal($"Tls:CertificatePath '{path}' does not exist", Problem(new() { Enabled = true, CertificatePath = path }));
    }

    [Fact]
    public void A_wrong_pkcs12_password_is_named_as_such()
    {
        var path = _files.Pfx(Cluster, "silo", "s3cret");

        Assert.Equal(
            $"Tls:CertificatePath '{path}' does not open with the Tls:Password given (wrong password, or not a PKCS#12 file)",
            Problem(new() { Enabled = true, CertificatePath = path, Password = "guess" }));
    }

    [Fact]
    public void A_wrong_password_for_an_encrypted_pem_key_is_named_as_such()
    {
        var (certificate, key) = _files.PemPair(Cluster, "tls", password: "s3cret");

        Assert.StartsWith(
            $"Tls:Password does not decrypt the private key in Tls:KeyPath '{key}'",
            Problem(new() { Enabled = true, CertificatePath = certificate, KeyPath = key, Password = "guess" }), StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_pem_key_without_a_password_asks_for_it()
    {
        var (certificate, key) = _files.PemPair(Cluster, "tls", password: "s3cret");

        Assert.Equal(
            $"Tls:KeyPath '{key}' holds an encrypted private key; give its Tls:Password",
            Problem(new() { Enabled = true, CertificatePath = certificate, KeyPath = key }));
    }

    [Fact]
    public void A_pem_certificate_without_its_private_key_says_where_the_key_goes()
    {
        var path = _files.CertificateOnly(Cluster, "silo");

        Assert.Equal(
            $"Tls:CertificatePath '{path}' holds a certificate but no private key; put the key in the same file or give Tls:KeyPath",
            Problem(new() { Enabled = true, CertificatePath = path }));
    }

    [Fact]
    public void A_pkcs12_file_without_a_private_key_is_refused()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(Cluster.RawData);
        var path = _files.Pfx(publicOnly, "public", "s3cret");

        Assert.Equal(
            $"Tls:CertificatePath '{path}': the certificate {Cluster.Subject} has no private key",
            Problem(new() { Enabled = true, CertificatePath = path, Password = "s3cret" }));
    }

    [Fact]
    public void A_key_of_another_certificate_is_refused()
    {
        var certificate = _files.CertificateOnly(Cluster, "silo");
        var (_, otherKey) = _files.PemPair(TestCertificates.Authority("CN=other"), "other");

        Assert.StartsWith(
            $"the private key in Tls:KeyPath '{otherKey}' does not belong to the certificate",
            Problem(new() { Enabled = true, CertificatePath = certificate, KeyPath = otherKey }), StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_certificate_is_refused_with_the_day_it_expired()
    {
        var expired = TestCertificates.Authority("CN=expired", notAfter: new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var path = _files.Pem(expired, "expired");

        Assert.Equal(
            $"Tls:CertificatePath '{path}': the certificate CN=expired expired on 2025-03-01 12:00 UTC",
            Problem(new() { Enabled = true, CertificatePath = path }));
    }

    [Fact]
    public void A_certificate_not_meant_for_server_authentication_cannot_serve_a_silo()
    {
        var clientOnly = TestCertificates.Authority("CN=console", serverAuth: false);
        var settings = new TransportTlsOptions { Enabled = true, CertificatePath = _files.Pem(clientOnly, "console") };

        Assert.Contains("is not meant for server authentication", Problem(settings), StringComparison.Ordinal);
        Assert.Empty(TlsCertificates.Unusable(clientOnly, TlsRole.Client, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_thumbprint_missing_from_the_store_names_the_store()
    {
        Assert.Equal(
            "Tls:Thumbprint 00112233445566778899AABBCCDDEEFF00112233: no such certificate in CurrentUser/My",
            Problem(new() { Enabled = true, Thumbprint = "00112233445566778899AABBCCDDEEFF00112233" }));
    }

    [Fact]
    public void A_certificate_in_the_store_is_found_by_its_thumbprint()
    {
        using var withKey = X509CertificateLoader.LoadPkcs12(Cluster.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(withKey);
        try
        {
            var tls = Load(new() { Enabled = true, Thumbprint = Cluster.Thumbprint.ToLowerInvariant() }, out var problems);

            Assert.Empty(problems);
            Assert.Equal(Cluster.Thumbprint, tls!.Certificate!.Thumbprint);
        }
        finally
        {
            store.Remove(withKey);
        }
    }

    [Fact]
    public void A_missing_ca_file_names_the_setting()
    {
        var path = _files.Missing("ca.crt");

        Assert.Equal(
            $"Tls:CaPath '{path}' does not exist",
            Problem(new() { Enabled = true, CertificatePath = _files.Pem(Cluster, "silo"), CaPath = path }));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        Assert.Null(Load(new() { Enabled = true, CertificatePath = _files.Missing("silo.pem"), CaPath = _files.Missing("ca.crt") }, out var problems));

        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Tls_on_a_silo_without_a_certificate_is_a_setting_problem()
    {
        Assert.Equal(
            ["Tls:Enabled is true but no certificate is given; set Tls:CertificatePath (PEM or PKCS#12) or Tls:Thumbprint"],
            TlsCertificates.SettingProblems(new() { Enabled = true }, TlsRole.Silo, SiloConfiguration.TlsKey));
    }

    [Fact]
    public void A_console_may_speak_tls_without_a_certificate_of_its_own()
    {
        var tls = Load(new() { Enabled = true, CaPath = _files.CertificateOnly(Cluster, "ca") }, out var problems, TlsRole.Client);

        Assert.Empty(problems);
        Assert.Null(tls!.Certificate);
    }

    [Fact]
    public void A_certificate_given_both_as_a_file_and_by_thumbprint_is_a_setting_problem()
    {
        Assert.Equal(
            ["Tls:CertificatePath and Tls:Thumbprint are both set; give the certificate one way"],
            TlsCertificates.SettingProblems(new() { Enabled = true, CertificatePath = "a.pem", Thumbprint = "AB" }, TlsRole.Silo, SiloConfiguration.TlsKey));
    }

    [Fact]
    public void Tls_settings_without_tls_enabled_are_a_setting_problem()
    {
        Assert.Equal(
            ["Tls:Enabled is false but TLS settings are given; enable TLS or remove them"],
            TlsCertificates.SettingProblems(new() { CertificatePath = "a.pem" }, TlsRole.Silo, SiloConfiguration.TlsKey));
    }

    [Fact]
    public void A_peer_certificate_issued_by_the_ca_file_is_trusted()
    {
        var tls = new TlsMaterial(null, [Cluster], RequireClientCertificate: false);
        using var peer = TestCertificates.IssuedBy(Cluster, "CN=silo-1");

        Assert.True(tls.Trusts(peer, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void A_peer_certificate_from_another_authority_is_not_trusted()
    {
        var tls = new TlsMaterial(null, [Cluster], RequireClientCertificate: false);
        using var stranger = TestCertificates.IssuedBy(TestCertificates.Authority("CN=elsewhere"), "CN=silo-1");

        Assert.False(tls.Trusts(stranger, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void An_expired_peer_certificate_is_not_trusted_even_from_the_ca_file()
    {
        var tls = new TlsMaterial(null, [Cluster], RequireClientCertificate: false);
        using var expired = TestCertificates.IssuedBy(Cluster, "CN=old", notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        Assert.False(tls.Trusts(expired, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Without_a_ca_file_the_system_roots_decide()
    {
        var tls = new TlsMaterial(null, null, RequireClientCertificate: false);

        Assert.False(tls.Trusts(Cluster, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(tls.Trusts(Cluster, SslPolicyErrors.None));
    }

    [Fact]
    public void A_silo_with_a_missing_certificate_stops_before_starting_with_one_line()
    {
        var path = _files.Missing("silo.pem");
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.AddLensSweepSiloConfiguration(["--slots", "none", "--tls", "true", "--tls-cert", path]);

        var error = Assert.Throws<SiloStartupException>(() => builder.AddLensSweepSilo());

        Assert.Equal([$"Tls:CertificatePath '{path}' does not exist"], error.Problems);
    }
}

using System.Security.Cryptography.X509Certificates;
using LensSweep.Client.Cluster;
using LensSweep.Client.Engine;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Security;
using LensSweep.Silo.Tests.Support;

namespace LensSweep.Client.Tests;

/// <summary>
/// Silos speaking TLS to each other and to the console, with a self-signed cluster certificate made here: the silos'
/// certificate, and the authority that issued the console's. The silos require the console's certificate (mutual TLS).
/// </summary>
public sealed class TlsClusterTests : IDisposable
{
    private static readonly CliServices Orleans = new() { Cluster = new OrleansClusterConnector() };
    private readonly TestCertificates _files = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-tls-cluster-").FullName;
    private readonly X509Certificate2 _cluster = TestCertificates.Authority("CN=lenssweep-cluster");
    private readonly string _authority;
    private readonly string _consoleCertificate;

    public TlsClusterTests()
    {
        _authority = _files.CertificateOnly(_cluster, "ca");
        _consoleCertificate = _files.Pem(TestCertificates.IssuedBy(_cluster, "CN=lenssweep-console"), "console");
    }

    public void Dispose()
    {
        _files.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The silos' material read from files, as lenssweep-silo reads it (--tls-cert, --tls-ca, --tls-require-client-cert).</summary>
    private TlsMaterial SiloTls()
    {
        var (certificate, key) = _files.PemPair(_cluster, "tls");
        var settings = new TransportTlsOptions { Enabled = true, CertificatePath = certificate, KeyPath = key, CaPath = _authority, RequireClientCertificate = true };
        var tls = TlsCertificates.Load(settings, TlsRole.Silo, SiloConfiguration.TlsKey, DateTimeOffset.UtcNow, out var problems);
        Assert.Empty(problems);
        return tls!;
    }

    [Fact]
    public async Task A_study_finishes_on_two_tls_silos_through_a_console_presenting_its_certificate()
    {
        var tls = SiloTls();
        await using var primary = await TestSilo.StartAsync(folder: _folder, tls: tls);
        await using var secondary = await TestSilo.StartAsync(primary: primary.SiloEndpoint, folder: _folder, tls: tls);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var (code, output, error) = await CliHarness.RunAsync(
            Orleans, limit.Token, "study", "start", StudyCommandTests.QuickSpec, "--watch",
            "--cluster", $"{secondary.Gateway},{primary.Gateway}", "--tls-ca", _authority, "--tls-cert", _consoleCertificate);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("quick completed", output);
    }

    [Fact]
    public async Task Two_tls_silos_form_one_cluster_over_their_silo_to_silo_connection()
    {
        var tls = SiloTls();
        await using var primary = await TestSilo.StartAsync(folder: _folder, tls: tls);
        await using var secondary = await TestSilo.StartAsync(primary: primary.SiloEndpoint, folder: _folder, tls: tls);
        var target = ClusterTarget.Default with
        {
            Gateways = [primary.Gateway],
            Tls = new TlsMaterial(X509Certificate2.CreateFromPemFile(_consoleCertificate), [_cluster], RequireClientCertificate: false),
        };

        await using var cluster = await new OrleansClusterConnector().ConnectAsync(target, CancellationToken.None);
        var status = await cluster.GetStatusAsync(CancellationToken.None);

        Assert.Equal(2, status.Silos.Count);
        Assert.Equal(2, status.SlotsTotal);
    }

    [Fact]
    public async Task A_console_without_a_certificate_is_refused_by_silos_that_require_one()
    {
        await using var silo = await TestSilo.StartAsync(folder: _folder, tls: SiloTls());

        var (code, _, error) = await CliHarness.RunAsync(
            Orleans, "study", "list", "--cluster", silo.Gateway.ToString(), "--tls-ca", _authority, "--connect-timeout", "3");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"no LensSweep cluster at {silo.Gateway} (cluster lenssweep, TLS)", error);
        Assert.Contains("--tls-cert is issued by an authority they trust", error);
    }

    [Fact]
    public async Task A_console_speaking_plain_tcp_to_a_tls_gateway_is_refused()
    {
        await using var silo = await TestSilo.StartAsync(folder: _folder, tls: SiloTls());

        var (code, _, error) = await CliHarness.RunAsync(Orleans, "study", "list", "--cluster", silo.Gateway.ToString(), "--connect-timeout", "3");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"no LensSweep cluster at {silo.Gateway} (cluster lenssweep)", error);
        Assert.Contains("if the silos speak TLS give --tls-ca", error);
    }

    [Fact]
    public async Task A_console_whose_certificate_comes_from_another_authority_is_refused()
    {
        await using var silo = await TestSilo.StartAsync(folder: _folder, tls: SiloTls());
        var stranger = _files.Pem(TestCertificates.IssuedBy(TestCertificates.Authority("CN=elsewhere"), "CN=intruder"), "intruder");

        var (code, _, error) = await CliHarness.RunAsync(
            Orleans, "study", "list", "--cluster", silo.Gateway.ToString(), "--tls-ca", _authority, "--tls-cert", stranger, "--connect-timeout", "3");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"no LensSweep cluster at {silo.Gateway}", error);
    }

    [Fact]
    public async Task A_console_that_does_not_trust_the_silos_authority_is_refused()
    {
        await using var silo = await TestSilo.StartAsync(folder: _folder, tls: SiloTls());
        var otherAuthority = _files.CertificateOnly(TestCertificates.Authority("CN=elsewhere"), "other-ca");

        var (code, _, error) = await CliHarness.RunAsync(
            Orleans, "study", "list", "--cluster", silo.Gateway.ToString(), "--tls-ca", otherAuthority, "--tls-cert", _consoleCertificate, "--connect-timeout", "3");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"no LensSweep cluster at {silo.Gateway}", error);
    }

    [Fact]
    public async Task A_tls_gateway_is_reached_through_a_port_forward_with_the_consoles_certificate()
    {
        var (silo, forward, advertised) = await ClusterConnectionTests.ForwardedSiloAsync(SiloTls());
        await using var _ = silo;
        await using var __ = forward;

        var (code, output, error) = await CliHarness.RunAsync(
            Orleans, "study", "list", "--cluster", forward.Address.ToString(), "--forwarded-to", advertised.ToString(),
            "--tls-ca", _authority, "--tls-cert", _consoleCertificate);

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("No studies on the cluster", output);
    }

    [Fact]
    public async Task Through_a_port_forward_a_console_that_does_not_trust_the_silos_authority_is_still_refused()
    {
        var (silo, forward, advertised) = await ClusterConnectionTests.ForwardedSiloAsync(SiloTls());
        await using var _ = silo;
        await using var __ = forward;
        var otherAuthority = _files.CertificateOnly(TestCertificates.Authority("CN=elsewhere"), "other-ca");

        var (code, _, error) = await CliHarness.RunAsync(
            Orleans, "study", "list", "--cluster", forward.Address.ToString(), "--forwarded-to", advertised.ToString(),
            "--tls-ca", otherAuthority, "--tls-cert", _consoleCertificate, "--connect-timeout", "3");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"no LensSweep cluster at {forward.Address} (forwarded to {advertised}) (cluster lenssweep, TLS)", error);
    }
}

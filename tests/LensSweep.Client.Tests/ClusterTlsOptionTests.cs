using LensSweep.Silo.Tests.Support;

namespace LensSweep.Client.Tests;

/// <summary>The console's TLS options: read like the other cluster options, checked before any connection is tried.</summary>
public sealed class ClusterTlsOptionTests : IDisposable
{
    private readonly TestCertificates _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Without_tls_options_the_console_connects_in_plain_tcp()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());

        await CliHarness.RunAsync(cluster.Services(), "study", "list");

        Assert.Null(cluster.ConnectedTo!.Tls);
    }

    [Fact]
    public async Task A_ca_file_turns_tls_on_and_is_what_the_silos_certificate_must_chain_to()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());
        var authority = TestCertificates.Authority();

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services(), "study", "list", "--tls-ca", _files.CertificateOnly(authority, "ca"));

        Assert.True(code == ExitCodes.Success, error);
        var tls = cluster.ConnectedTo!.Tls!;
        Assert.Null(tls.Certificate);
        Assert.Equal(authority.Thumbprint, Assert.Single(tls.Authorities!).Thumbprint);
    }

    [Fact]
    public async Task The_tls_settings_come_from_the_silos_variables_when_not_given()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());
        var certificate = TestCertificates.Authority("CN=console");
        var environment = new Dictionary<string, string>
        {
            ["LENSSWEEP_TLS__ENABLED"] = "true",
            ["LENSSWEEP_TLS__CERTIFICATEPATH"] = _files.Pfx(certificate, "console", "s3cret"),
            ["LENSSWEEP_TLS__PASSWORD"] = "s3cret",
        };

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services() with { Environment = environment.GetValueOrDefault }, "cluster", "status");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(certificate.Thumbprint, cluster.ConnectedTo!.Tls!.Certificate!.Thumbprint);
        Assert.Null(cluster.ConnectedTo.Tls.Authorities);
    }

    [Fact]
    public async Task A_missing_ca_file_stops_the_command_before_it_connects_naming_the_flag()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());
        var missing = _files.Missing("ca.crt");

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services(), "study", "list", "--tls-ca", missing);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(cluster.ConnectedTo);
        Assert.Contains($"--tls-ca '{missing}' does not exist", error);
    }

    [Fact]
    public async Task An_expired_console_certificate_stops_the_command_before_it_connects()
    {
        var cluster = new FakeCluster().With(SampleStudy.Results());
        var expired = _files.Pem(TestCertificates.Authority("CN=console", notAfter: new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero)), "console");

        var (code, _, error) = await CliHarness.RunAsync(cluster.Services(), "study", "list", "--tls-cert", expired);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(cluster.ConnectedTo);
        Assert.Contains($"--tls-cert '{expired}': the certificate CN=console expired on 2025-03-01 00:00 UTC", error);
    }

    [Fact]
    public async Task The_help_of_a_cluster_command_lists_the_tls_options()
    {
        var (code, output, _) = await CliHarness.RunAsync("study", "start", "--help");

        Assert.Equal(ExitCodes.Success, code);
        foreach (var option in new[] { "--tls", "--tls-ca", "--tls-cert", "--tls-key", "--tls-thumbprint", "LENSSWEEP_TLS__PASSWORD" })
            Assert.Contains(option, output);
    }
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using LensSweep.Grains.Studies;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Security;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace LensSweep.Silo.Tests.Security;

/// <summary>The lenssweep-silo host with its TLS flags, as an operator starts it, reached by Orleans clients.</summary>
public sealed class TlsSiloAppTests : IDisposable
{
    private static readonly X509Certificate2 Cluster = TestCertificates.Authority("CN=lenssweep-cluster");
    private readonly TestCertificates _files = new();
    private readonly string _clusterId = $"tls-{Guid.NewGuid():N}";
    private readonly int _gateway = FreePort.Next();

    public void Dispose() => _files.Dispose();

    private Task<Microsoft.AspNetCore.Builder.WebApplication> StartSiloAsync()
    {
        var (certificate, key) = _files.PemPair(Cluster, "tls");
        return SiloApp.CreateAsync(
        [
            "--silo-port", FreePort.Next().ToString(), "--gateway-port", _gateway.ToString(), "--http-port", FreePort.Next().ToString(),
            "--cluster-id", _clusterId, "--slots", "none", "--Logging:LogLevel:Default", "Warning",
            "--grain-state-path", Path.Combine(_files.Folder, "state"), "--artifacts-path", Path.Combine(_files.Folder, "artifacts"),
            "--tls", "true", "--tls-cert", certificate, "--tls-key", key, "--tls-ca", _files.CertificateOnly(Cluster, "ca"),
            "--tls-require-client-cert", "true",
        ]);
    }

    /// <summary>Connects an Orleans client to the silo's gateway, giving up after <paramref name="within"/>.</summary>
    private async Task<IHost> ConnectAsync(TlsMaterial? tls, TimeSpan within)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, _gateway));
            client.Configure<ClusterOptions>(o => { o.ClusterId = _clusterId; o.ServiceId = new SiloHostOptions().ServiceId; });
            if (tls is not null)
                client.UseLensSweepTls(tls);
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_the_silos_authority_calls_grains_over_tls()
    {
        await using var silo = await StartSiloAsync();
        await silo.StartAsync();
        var console = new TlsMaterial(TestCertificates.IssuedBy(Cluster, "CN=console"), [Cluster], RequireClientCertificate: false);

        using var client = await ConnectAsync(console, TimeSpan.FromSeconds(60));
        var studies = await StudyRegistry.Get(client.Services.GetRequiredService<IClusterClient>()).ListAsync();

        Assert.Empty(studies);
        await client.StopAsync();
        await silo.StopAsync();
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_by_a_silo_requiring_one()
    {
        await using var silo = await StartSiloAsync();
        await silo.StartAsync();
        var noCertificate = new TlsMaterial(null, [Cluster], RequireClientCertificate: false);

        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(noCertificate, TimeSpan.FromSeconds(10)));
        await silo.StopAsync();
    }

    [Fact]
    public async Task A_plain_tcp_client_is_refused_by_a_tls_silo()
    {
        await using var silo = await StartSiloAsync();
        await silo.StartAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(null, TimeSpan.FromSeconds(10)));
        await silo.StopAsync();
    }
}

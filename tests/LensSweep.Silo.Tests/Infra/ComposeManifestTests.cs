using LensSweep.Silo.Hosting;
using LensSweep.Silo.Security;
using LensSweep.Silo.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace LensSweep.Silo.Tests.Infra;

public sealed class ComposeManifestTests
{
    private static readonly string ComposePath = Path.Combine(RepoRoot.Path, "infra", "docker-compose.yml");
    private static readonly YamlMappingNode Compose = Yaml.Load(ComposePath);
    private static readonly YamlMappingNode Services = Compose.MapAt("services");

    private static IEnumerable<string> SiloNames => Services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(n => n.StartsWith("silo", StringComparison.Ordinal));

    /// <summary>The console's gateway list (ClusterAddress.EnvironmentVariable in src/Client).</summary>
    private const string ConsoleGatewaysVariable = "LENSSWEEP_CLUSTER";

    private static Dictionary<string, string> Environment(string service) => Services.MapAt(service, "environment").Pairs();

    /// <summary>docker-compose.azuretable.yml, which compose merges over the base key by key.</summary>
    private static readonly YamlMappingNode AzureTableOverride = Yaml.Load(Path.Combine(RepoRoot.Path, "infra", "docker-compose.azuretable.yml"));

    private static Dictionary<string, string> EnvironmentWithAzureTable(string service)
    {
        var environment = Environment(service);
        foreach (var (key, value) in AzureTableOverride.MapAt("services", service, "environment").Pairs())
            environment[key] = value;
        return environment;
    }

    [Fact]
    public void The_cluster_has_redis_azurite_two_silos_and_the_console()
    {
        Assert.Equal(2, SiloNames.Count());
        foreach (var service in new[] { "redis", "azurite", "console" })
            Assert.NotNull(Services.Get(service));
    }

    [Fact]
    public void Every_environment_variable_set_for_a_lenssweep_service_is_one_the_silo_reads()
    {
        foreach (var service in SiloNames)
        {
            foreach (var name in Environment(service).Keys)
                Assert.True(SiloSettings.EnvironmentVariables.Contains(name), $"{service} sets {name}, which no silo option reads");
        }
        // The console reads the ids as the silo does, and LENSSWEEP_CLUSTER (its gateways), which only the console reads.
        foreach (var name in Environment("console").Keys.Where(n => n != ConsoleGatewaysVariable))
            Assert.True(SiloSettings.EnvironmentVariables.Contains(name), $"console sets {name}, which no silo option reads");
    }

    [Fact]
    public void Each_silo_configuration_is_valid_and_uses_redis_membership_and_azurite_storage()
    {
        foreach (var silo in SiloNames)
        {
            var options = SiloSettings.FromEnvironment(Environment(silo));

            Assert.Equal(MembershipOptions.Redis, options.Membership.Kind);
            Assert.Equal(StoreOptions.AzureBlob, options.GrainState.Kind);
            Assert.Equal(StoreOptions.AzureBlob, options.Artifacts.Kind);
            Assert.Contains("azurite:10000", options.GrainState.ConnectionString, StringComparison.Ordinal);
            Assert.Equal("redis:6379", options.Membership.ConnectionString);
        }
    }

    [Fact]
    public void The_console_joins_the_same_cluster_as_the_silos()
    {
        var console = SiloSettings.FromEnvironment(Environment("console"));
        foreach (var silo in SiloNames.Select(s => SiloSettings.FromEnvironment(Environment(s))))
        {
            Assert.Equal(silo.ClusterId, console.ClusterId);
            Assert.Equal(silo.ServiceId, console.ServiceId);
        }
    }

    [Fact]
    public void The_console_reaches_every_silo_gateway_by_service_name_not_its_own_loopback()
    {
        var gateways = Environment("console")[ConsoleGatewaysVariable].Split(',');
        var expected = SiloNames.Select(s => $"{s}:{SiloSettings.FromEnvironment(Environment(s)).Network.GatewayPort}");

        Assert.Equal(expected.Order(), gateways.Order());
    }

    [Fact]
    public void A_silo_is_given_longer_to_stop_than_its_shutdown_grace_period()
    {
        foreach (var silo in SiloNames)
        {
            var grace = SiloSettings.FromEnvironment(Environment(silo)).Shutdown.GracePeriod;
            var stop = Services.Text(silo, "stop_grace_period");

            Assert.EndsWith("s", stop, StringComparison.Ordinal);
            Assert.True(TimeSpan.FromSeconds(int.Parse(stop[..^1])) > grace, $"{silo}: stop_grace_period {stop} is not longer than Shutdown:GracePeriod {grace}");
        }
    }

    [Fact]
    public void Published_silo_ports_map_onto_the_silo_http_port()
    {
        foreach (var silo in SiloNames)
        {
            var http = SiloSettings.FromEnvironment(Environment(silo)).Http.Port;
            var published = Services.SeqAt(silo, "ports").Select(p => ((YamlScalarNode)p).Value!).ToList();

            Assert.All(published, p => Assert.Equal(http.ToString(), p.Split(':')[^1]));
        }
    }

    [Fact]
    public void Services_depend_only_on_services_that_exist_and_builds_use_existing_dockerfiles()
    {
        foreach (var (key, value) in Services.Children)
        {
            if (value.Get("depends_on") is YamlMappingNode dependsOn)
                Assert.All(dependsOn.Children.Keys, d => Assert.NotNull(Services.Get(((YamlScalarNode)d).Value!)));
            if (value.Get("build") is YamlMappingNode build)
            {
                var context = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ComposePath)!, build.Text("context")));
                Assert.True(File.Exists(Path.Combine(context, build.Text("dockerfile"))), $"{key}: {build.Text("dockerfile")} not found under {context}");
                Assert.True(File.Exists(Path.Combine(context, "LensSweep.sln")), $"{key}: the build context is not the repository root");
            }
        }
    }

    /// <summary>The host folder mounted read-only at the folder holding every TLS file the service's settings name.</summary>
    private static string TlsFolderSource(string service, TransportTlsOptions tls)
    {
        var folders = new[] { tls.CertificatePath, tls.KeyPath, tls.CaPath }.Select(p => Path.GetDirectoryName(p!)!).Distinct().ToList();
        var folder = Assert.Single(folders);
        var mount = Assert.Single(
            Services.SeqAt(service, "volumes").Select(v => ((YamlScalarNode)v).Value!.Split(':')),
            parts => parts[1] == folder);
        Assert.Equal("ro", mount.ElementAtOrDefault(2));
        return mount[0];
    }

    [Fact]
    public void The_silos_speak_tls_and_require_a_client_certificate_with_the_certificate_folder_mounted_where_their_settings_point()
    {
        foreach (var silo in SiloNames)
        {
            var tls = SiloSettings.FromEnvironment(Environment(silo)).Tls;

            Assert.True(tls.Enabled && tls.RequireClientCertificate, $"{silo}: TLS is off or does not require a client certificate");
            Assert.Equal("./tls/dev", TlsFolderSource(silo, tls));
        }
    }

    [Fact]
    public void Under_the_azure_table_override_each_silo_is_valid_with_membership_on_the_azurite_account_of_its_grain_state()
    {
        foreach (var silo in SiloNames)
        {
            var options = SiloSettings.FromEnvironment(EnvironmentWithAzureTable(silo));

            Assert.Equal(MembershipOptions.AzureTable, options.Membership.Kind);
            Assert.Equal(options.GrainState.ConnectionString, options.Membership.ConnectionString);
        }
    }

    [Fact]
    public void The_console_presents_the_certificate_the_silos_trust()
    {
        var console = SiloSettings.FromEnvironment(Environment("console")).Tls;
        var silo = SiloSettings.FromEnvironment(Environment(SiloNames.First())).Tls;

        Assert.True(console.Enabled);
        Assert.Equal((silo.CertificatePath, silo.KeyPath, silo.CaPath), (console.CertificatePath, console.KeyPath, console.CaPath));
        Assert.Equal("./tls/dev", TlsFolderSource("console", console));
    }

    [Fact]
    public void The_development_certificate_script_writes_what_a_silo_and_the_console_accept()
    {
        using var folder = new TempFolder();
        using (var script = System.Diagnostics.Process.Start("bash", [Path.Combine(RepoRoot.Path, "infra", "tls", "make-dev-certs.sh"), folder.Path]))
        {
            Assert.True(script.WaitForExit(60_000), "make-dev-certs.sh did not finish");
            Assert.Equal(0, script.ExitCode);
        }
        var silo = SiloSettings.FromEnvironment(Environment(SiloNames.First())).Tls;
        string Here(string? path) => Path.Combine(folder.Path, Path.GetFileName(path!));
        var settings = new TransportTlsOptions { Enabled = true, CertificatePath = Here(silo.CertificatePath), KeyPath = Here(silo.KeyPath), CaPath = Here(silo.CaPath) };

        foreach (var role in new[] { TlsRole.Silo, TlsRole.Client })
        {
            var tls = TlsCertificates.Load(settings, role, SiloConfiguration.TlsKey, DateTimeOffset.UtcNow, out var problems);
            Assert.Empty(problems);
            Assert.True(tls!.Trusts(tls.Certificate!, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors), "the certificate does not chain to ca.crt");
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("lenssweep-devcerts-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    [Fact]
    public void The_override_changes_only_silos_of_the_base_file()
    {
        var overridden = AzureTableOverride.MapAt("services").Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

        Assert.Equal(SiloNames.Order(), overridden.Order());
    }

    [Fact]
    public void Azurite_serves_blob_and_table_on_the_ports_the_connection_strings_name()
    {
        var command = Services.SeqAt("azurite", "command").Select(a => ((YamlScalarNode)a).Value!).ToList();
        var connection = Environment(SiloNames.First())["LENSSWEEP_GRAINSTATE__CONNECTIONSTRING"];

        Assert.Equal("azurite", command[0]);
        foreach (var (service, port) in new[] { ("blob", "10000"), ("table", "10002") })
        {
            Assert.Equal(port, command[command.IndexOf($"--{service}Port") + 1]);
            Assert.Equal("0.0.0.0", command[command.IndexOf($"--{service}Host") + 1]);
            Assert.Contains($"http://azurite:{port}/devstoreaccount1", connection, StringComparison.Ordinal);
        }
    }
}

using System.Text.RegularExpressions;
using LensSweep.Grains.Diagnostics;
using LensSweep.Silo.Health;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace LensSweep.Silo.Tests.Infra;

public sealed partial class KubernetesManifestTests
{
    private static readonly string K8sDir = Path.Combine(RepoRoot.Path, "infra", "k8s");

    private static readonly IReadOnlyList<YamlMappingNode> Resources =
        Directory.GetFiles(K8sDir, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").SelectMany(Yaml.LoadAll).ToList();

    private static YamlMappingNode Single(string kind) => Assert.Single(Resources, r => r.Text("kind") == kind);

    private const string GpuSilos = "lenssweep-silo-gpu";
    private const string Coordinators = "lenssweep-coordinator";

    public static TheoryData<string> DeploymentNames => new(GpuSilos, Coordinators);

    private static YamlMappingNode Deployment(string name) =>
        Assert.Single(Resources, r => r.Text("kind") == "Deployment" && r.Text("metadata", "name") == name);

    private static YamlMappingNode PodSpec(string deployment) => Deployment(deployment).MapAt("spec", "template", "spec");

    private static YamlMappingNode Container(string deployment) => Assert.IsType<YamlMappingNode>(Assert.Single(PodSpec(deployment).SeqAt("containers")));

    private static Dictionary<string, string> PodLabels(string deployment) => Deployment(deployment).MapAt("spec", "template", "metadata", "labels").Pairs();

    private static Dictionary<string, string> SecretValues(string secretName) => KubernetesPods.SecretValues(Resources, secretName);

    /// <summary>The environment a silo pod starts with (see <see cref="KubernetesPods.Environment"/>).</summary>
    private static Dictionary<string, string> PodEnvironment(string deployment) => KubernetesPods.Environment(Resources, deployment);

    private static SiloHostOptions SiloOptions(string deployment) => SiloSettings.FromEnvironment(PodEnvironment(deployment));

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void Every_environment_variable_of_the_silo_pod_is_one_the_silo_reads(string deployment)
    {
        foreach (var name in PodEnvironment(deployment).Keys)
            Assert.True(SiloSettings.EnvironmentVariables.Contains(name), $"the silo pod sets {name}, which no silo option reads");
    }

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void The_silo_pod_configuration_is_valid_for_a_cluster(string deployment)
    {
        var options = SiloOptions(deployment);

        Assert.Equal(MembershipOptions.Redis, options.Membership.Kind);
        Assert.Equal(StoreOptions.AzureBlob, options.GrainState.Kind);
        Assert.Equal(StoreOptions.AzureBlob, options.Artifacts.Kind);
        Assert.Equal("0.0.0.0", options.Http.BindAddress);
        Assert.True(options.Network.ListenOnAnyHostAddress);
    }

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void Referenced_configmaps_and_secret_keys_exist(string deployment)
    {
        foreach (var variable in Container(deployment).SeqAt("env"))
        {
            if (variable.Get("valueFrom")?.Get("secretKeyRef") is { } secretRef)
                Assert.Contains(secretRef.Text("key"), SecretValues(secretRef.Text("name")).Keys);
        }
        Assert.All(Container(deployment).SeqAt("envFrom"), source =>
            Assert.Contains(Resources, r => r.Text("kind") == "ConfigMap" && r.Text("metadata", "name") == source.Text("configMapRef", "name")));
    }

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void Selectors_of_the_deployment_service_disruption_budget_and_network_policy_match_the_pod_labels(string deployment)
    {
        var labels = PodLabels(deployment).ToHashSet();
        Assert.Subset(labels, Deployment(deployment).MapAt("spec", "selector", "matchLabels").Pairs().ToHashSet());
        Assert.Subset(labels, Single("Service").MapAt("spec", "selector").Pairs().ToHashSet());
        Assert.Subset(labels, Single("NetworkPolicy").MapAt("spec", "podSelector", "matchLabels").Pairs().ToHashSet());
        Assert.Single(Resources, r => r.Text("kind") == "PodDisruptionBudget" && labels.IsSupersetOf(r.MapAt("spec", "selector", "matchLabels").Pairs()));
    }

    [Fact]
    public void The_two_deployments_select_only_their_own_pods()
    {
        Assert.False(PodLabels(Coordinators).ToHashSet().IsSupersetOf(Deployment(GpuSilos).MapAt("spec", "selector", "matchLabels").Pairs()));
        Assert.False(PodLabels(GpuSilos).ToHashSet().IsSupersetOf(Deployment(Coordinators).MapAt("spec", "selector", "matchLabels").Pairs()));
    }

    [Fact]
    public void The_autoscaler_scales_the_gpu_silos_to_zero_on_running_trials_and_each_study_s_capped_waiting_trials()
    {
        var scaler = Single("ScaledObject");

        Assert.Equal(GpuSilos, scaler.Text("spec", "scaleTargetRef", "name"));
        Assert.Equal("0", scaler.Text("spec", "minReplicaCount"));
        var query = Assert.Single(scaler.SeqAt("spec", "triggers")).Text("metadata", "query");
        Assert.Contains("sum(lenssweep_trials_running)", query, StringComparison.Ordinal);
        // Waiting is reported the same by every silo: one value per study (max), then summed over studies.
        Assert.Contains($"sum(max by ({EngineMetrics.StudyTag}) (lenssweep_trials_waiting))", query, StringComparison.Ordinal);
    }

    [Fact]
    public void A_coordinator_without_slots_keeps_the_cluster_while_the_gpu_silos_are_at_zero()
    {
        Assert.Equal("none", SiloOptions(Coordinators).Devices.Slots);
        Assert.True(int.Parse(Deployment(Coordinators).Text("spec", "replicas")) >= 1);
        Assert.Null(Container(Coordinators).Get("resources")?.Get("limits")?.Get("nvidia.com/gpu"));
        Assert.Null(PodSpec(Coordinators).Get("nodeSelector"));
    }

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void Pods_are_hardened_non_root_read_only_with_a_writable_tmp_no_token_and_the_runtime_seccomp_profile(string deployment)
    {
        var pod = PodSpec(deployment);
        var container = Container(deployment);

        Assert.Equal("false", pod.Text("automountServiceAccountToken"));
        Assert.Equal("RuntimeDefault", pod.Text("securityContext", "seccompProfile", "type"));
        Assert.Equal("true", pod.Text("securityContext", "runAsNonRoot"));
        Assert.NotEqual("0", pod.Text("securityContext", "runAsUser"));
        Assert.Equal("true", container.Text("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", container.Text("securityContext", "allowPrivilegeEscalation"));
        var tmp = Assert.Single(container.SeqAt("volumeMounts"), m => m.Text("mountPath") == "/tmp").Text("name");
        Assert.Contains(pod.SeqAt("volumes"), v => v.Text("name") == tmp && v.Get("emptyDir") is not null);
    }

    [Fact]
    public void The_network_policy_lets_only_silos_of_the_namespace_talk_to_silos_and_a_labelled_client_namespace_reach_the_gateway()
    {
        var policy = Single("NetworkPolicy");
        var rules = policy.SeqAt("spec", "ingress").ToList();
        var ports = Container(Coordinators).SeqAt("ports").Select(p => p.Text("name")).ToHashSet();

        Assert.Equal(["Ingress"], policy.SeqAt("spec", "policyTypes").Select(t => ((YamlScalarNode)t).Value));
        Assert.All(rules, rule => Assert.All(rule.SeqAt("ports"), p => Assert.Contains(p.Text("port"), ports)));
        var silos = Assert.Single(rules, r => r.SeqAt("from").Any(f => f.Get("podSelector") is not null));
        Assert.All(silos.SeqAt("from"), f => Assert.Null(f.Get("namespaceSelector")));
        Assert.Equal(PodLabels(GpuSilos)["app.kubernetes.io/name"], Assert.Single(silos.SeqAt("from")).MapAt("podSelector", "matchLabels").Pairs()["app.kubernetes.io/name"]);
        var clients = Assert.Single(rules, r => r.SeqAt("from").Any(f => f.Get("namespaceSelector")?.Get("matchLabels")?.Get("lenssweep.io/client") is not null));
        Assert.Equal(["gateway"], clients.SeqAt("ports").Select(p => p.Text("port")));
        // Nothing else reaches the gateway: every other rule from outside the namespace is for the HTTP port only.
        Assert.All(rules.Where(r => r != silos && r != clients), r => Assert.Equal(["http"], r.SeqAt("ports").Select(p => p.Text("port"))));
    }

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void Container_ports_are_the_silo_ports_and_the_service_and_probes_use_them(string deployment)
    {
        var options = SiloOptions(deployment);
        var container = Container(deployment);
        var ports = container.SeqAt("ports").ToDictionary(p => p.Text("name"), p => int.Parse(p.Text("containerPort")));

        Assert.Equal(options.Network.SiloPort, ports["silo"]);
        Assert.Equal(options.Network.GatewayPort, ports["gateway"]);
        Assert.Equal(options.Http.Port, ports["http"]);
        foreach (var servicePort in Single("Service").SeqAt("spec", "ports"))
            Assert.Contains(servicePort.Text("targetPort"), ports.Keys);
        Assert.Equal("/healthz", container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", container.Text("readinessProbe", "httpGet", "path"));
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            Assert.Equal("http", container.Text(probe, "httpGet", "port"));
        Assert.Equal(options.Http.Port.ToString(), Deployment(deployment).Text("spec", "template", "metadata", "annotations", "prometheus.io/port"));
        Assert.Equal(SiloTelemetry.MetricsPath, Deployment(deployment).Text("spec", "template", "metadata", "annotations", "prometheus.io/path"));
    }

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void The_termination_grace_period_is_longer_than_the_silo_shutdown_grace_period(string deployment)
    {
        var podGrace = TimeSpan.FromSeconds(int.Parse(PodSpec(deployment).Text("terminationGracePeriodSeconds")));
        var grace = SiloOptions(deployment).Shutdown.GracePeriod;

        Assert.True(podGrace > grace, $"terminationGracePeriodSeconds {podGrace} must exceed Shutdown:GracePeriod {grace}");
    }

    [Fact]
    public void Silos_run_on_the_gpu_pool_with_one_slot_per_gpu()
    {
        var podSpec = PodSpec(GpuSilos);

        Assert.True(int.Parse(Container(GpuSilos).Text("resources", "limits", "nvidia.com/gpu")) >= 1);
        Assert.NotEmpty(podSpec.MapAt("nodeSelector").Children);
        Assert.Contains(podSpec.SeqAt("tolerations"), t => t.Text("key") == "nvidia.com/gpu");
        // auto counts the GPUs the pod was given, so the slot count follows the nvidia.com/gpu limit.
        Assert.Equal("auto", SiloOptions(GpuSilos).Devices.Slots);
    }

    [Fact]
    public void The_kustomization_lists_only_files_that_exist()
    {
        var kustomization = Yaml.Load(Path.Combine(K8sDir, "kustomization.yaml"));

        Assert.All(kustomization.SeqAt("resources"), r => Assert.True(File.Exists(Path.Combine(K8sDir, ((YamlScalarNode)r).Value!)), $"{r} is missing"));
    }

    [Fact]
    public void No_rbac_is_granted_because_kubernetes_hosting_is_not_used()
    {
        Assert.DoesNotContain(Resources, r => r.Text("kind") is "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding");
    }

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void Silo_pods_speak_tls_with_the_lenssweep_tls_secret_mounted_read_only_where_their_settings_point(string deployment)
    {
        var tls = SiloOptions(deployment).Tls;
        var pod = PodSpec(deployment);

        Assert.True(tls.Enabled && tls.RequireClientCertificate, "TLS is off or does not require a client certificate");
        var folder = Assert.Single(new[] { tls.CertificatePath, tls.KeyPath, tls.CaPath }.Select(p => Path.GetDirectoryName(p!)).Distinct());
        var mount = Assert.Single(Container(deployment).SeqAt("volumeMounts"), m => m.Text("mountPath") == folder);
        Assert.Equal("true", mount.Text("readOnly"));
        var volume = Assert.Single(pod.SeqAt("volumes"), v => v.Text("name") == mount.Text("name"));
        Assert.Equal("lenssweep-tls", volume.Text("secret", "secretName"));
        // The key names cert-manager (and kubectl create secret tls, with ca.crt added) give the files.
        Assert.Equal(["ca.crt", "tls.crt", "tls.key"], new[] { tls.CaPath, tls.CertificatePath, tls.KeyPath }.Select(Path.GetFileName).Order());
    }

    /// <summary>
    /// The laptop recipe of both READMEs (kubectl port-forward, then --forwarded-to the pod IP) holds for these
    /// manifests: it selects coordinator pods, forwards their gateway port, and names the address their silo
    /// advertises, which is the pod IP; their cluster id is the console's default, so the recipe needs none other.
    /// </summary>
    [Theory]
    [InlineData("README.md")]
    [InlineData("infra/README.md")]
    public void The_port_forward_recipe_reaches_a_coordinator_pod_s_gateway_by_the_pod_ip_its_silo_advertises(string document)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot.Path, document));
        var options = SiloOptions(Coordinators);
        var selector = PodSelector().Match(text);
        var forward = PortForward().Match(text);
        var forwardedTo = ForwardedTo().Match(text);

        Assert.True(selector.Success && forward.Success && forwardedTo.Success, $"{document} shows no port-forward recipe with --forwarded-to");
        Assert.Equal(selector.Groups["value"].Value, PodLabels(Coordinators).GetValueOrDefault(selector.Groups["key"].Value));
        Assert.Equal(options.Network.GatewayPort, int.Parse(forward.Groups["remote"].Value));
        Assert.Equal(forward.Groups["local"].Value, forwardedTo.Groups["local"].Value);
        Assert.Equal(options.Network.GatewayPort, int.Parse(forwardedTo.Groups["port"].Value));
        var advertised = Assert.Single(Container(Coordinators).SeqAt("env"), v => v.Text("name") == "LENSSWEEP_NETWORK__ADVERTISEDADDRESS");
        Assert.Equal("status.podIP", advertised.Text("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal(new SiloHostOptions().ClusterId, options.ClusterId);
    }

    [GeneratedRegex(@"kubectl get pod -l (?<key>[^=\s]+)=(?<value>\S+)")]
    private static partial Regex PodSelector();

    [GeneratedRegex(@"kubectl port-forward ""pod/\$POD"" (?<local>\d+):(?<remote>\d+)")]
    private static partial Regex PortForward();

    [GeneratedRegex(@"--cluster 127\.0\.0\.1:(?<local>\d+) --forwarded-to \$POD_IP:(?<port>\d+)")]
    private static partial Regex ForwardedTo();
}

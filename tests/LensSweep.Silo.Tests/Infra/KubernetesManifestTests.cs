using LensSweep.Silo.Hosting;
using LensSweep.Silo.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace LensSweep.Silo.Tests.Infra;

public sealed class KubernetesManifestTests
{
    private static readonly string K8sDir = Path.Combine(RepoRoot.Path, "infra", "k8s");

    private static readonly IReadOnlyList<YamlMappingNode> Resources =
        Directory.GetFiles(K8sDir, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").SelectMany(Yaml.LoadAll).ToList();

    private static YamlMappingNode Single(string kind) => Assert.Single(Resources, r => r.Text("kind") == kind);

    private static readonly YamlMappingNode Deployment = Single("Deployment");
    private static readonly YamlMappingNode Container = Assert.IsType<YamlMappingNode>(Assert.Single(Deployment.SeqAt("spec", "template", "spec", "containers")));
    private static readonly Dictionary<string, string> PodLabels = Deployment.MapAt("spec", "template", "metadata", "labels").Pairs();

    private static Dictionary<string, string> SecretValues(string secretName) =>
        Assert.Single(Resources, r => r.Text("kind") == "Secret" && r.Text("metadata", "name") == secretName).MapAt("stringData").Pairs();

    /// <summary>The environment a silo pod starts with: the ConfigMaps it imports, then its own env, secrets and pod fields filled in.</summary>
    private static Dictionary<string, string> PodEnvironment()
    {
        var environment = new Dictionary<string, string>();
        foreach (var source in Container.SeqAt("envFrom"))
        {
            var name = source.Text("configMapRef", "name");
            var configMap = Assert.Single(Resources, r => r.Text("kind") == "ConfigMap" && r.Text("metadata", "name") == name);
            foreach (var (key, value) in configMap.MapAt("data").Pairs())
                environment[key] = value;
        }
        foreach (var variable in Container.SeqAt("env"))
        {
            var name = variable.Text("name");
            if (variable.Get("value") is YamlScalarNode literal)
                environment[name] = literal.Value ?? "";
            else if (variable.Get("valueFrom")?.Get("secretKeyRef") is { } secretRef)
                environment[name] = SecretValues(secretRef.Text("name"))[secretRef.Text("key")];
            else
                environment[name] = variable.Text("valueFrom", "fieldRef", "fieldPath") switch
                {
                    "status.podIP" => "10.1.2.3",
                    "metadata.name" => "lenssweep-silo-gpu-7d9f8-x2k4q",
                    var other => throw new Xunit.Sdk.XunitException($"{name} reads pod field {other}, which this test does not know"),
                };
        }
        return environment;
    }

    private static SiloHostOptions SiloOptions() => SiloSettings.FromEnvironment(PodEnvironment());

    [Fact]
    public void Every_environment_variable_of_the_silo_pod_is_one_the_silo_reads()
    {
        foreach (var name in PodEnvironment().Keys)
            Assert.True(SiloSettings.EnvironmentVariables.Contains(name), $"the silo pod sets {name}, which no silo option reads");
    }

    [Fact]
    public void The_silo_pod_configuration_is_valid_for_a_cluster()
    {
        var options = SiloOptions();

        Assert.Equal(MembershipOptions.Redis, options.Membership.Kind);
        Assert.Equal(StoreOptions.AzureBlob, options.GrainState.Kind);
        Assert.Equal(StoreOptions.AzureBlob, options.Artifacts.Kind);
        Assert.Equal("0.0.0.0", options.Http.BindAddress);
        Assert.True(options.Network.ListenOnAnyHostAddress);
    }

    [Fact]
    public void Referenced_configmaps_and_secret_keys_exist()
    {
        foreach (var variable in Container.SeqAt("env"))
        {
            if (variable.Get("valueFrom")?.Get("secretKeyRef") is { } secretRef)
                Assert.Contains(secretRef.Text("key"), SecretValues(secretRef.Text("name")).Keys);
        }
        Assert.All(Container.SeqAt("envFrom"), source =>
            Assert.Contains(Resources, r => r.Text("kind") == "ConfigMap" && r.Text("metadata", "name") == source.Text("configMapRef", "name")));
    }

    [Fact]
    public void Selectors_of_the_deployment_service_and_disruption_budget_match_the_pod_labels()
    {
        Assert.Subset(PodLabels.ToHashSet(), Deployment.MapAt("spec", "selector", "matchLabels").Pairs().ToHashSet());
        Assert.Subset(PodLabels.ToHashSet(), Single("Service").MapAt("spec", "selector").Pairs().ToHashSet());
        Assert.Subset(PodLabels.ToHashSet(), Single("PodDisruptionBudget").MapAt("spec", "selector", "matchLabels").Pairs().ToHashSet());
    }

    [Fact]
    public void The_autoscaler_targets_the_deployment_and_scales_on_waiting_trials()
    {
        var scaler = Single("ScaledObject");

        Assert.Equal(Deployment.Text("metadata", "name"), scaler.Text("spec", "scaleTargetRef", "name"));
        var query = Assert.Single(scaler.SeqAt("spec", "triggers")).Text("metadata", "query");
        Assert.Contains("lenssweep_trials_waiting", query, StringComparison.Ordinal);
        Assert.Contains("lenssweep_trials_running", query, StringComparison.Ordinal);
    }

    [Fact]
    public void Container_ports_are_the_silo_ports_and_the_service_and_probes_use_them()
    {
        var options = SiloOptions();
        var ports = Container.SeqAt("ports").ToDictionary(p => p.Text("name"), p => int.Parse(p.Text("containerPort")));

        Assert.Equal(options.Network.SiloPort, ports["silo"]);
        Assert.Equal(options.Network.GatewayPort, ports["gateway"]);
        Assert.Equal(options.Http.Port, ports["http"]);
        foreach (var servicePort in Single("Service").SeqAt("spec", "ports"))
            Assert.Contains(servicePort.Text("targetPort"), ports.Keys);
        Assert.Equal("/healthz", Container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Container.Text("readinessProbe", "httpGet", "path"));
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            Assert.Equal("http", Container.Text(probe, "httpGet", "port"));
        Assert.Equal(options.Http.Port.ToString(), Deployment.Text("spec", "template", "metadata", "annotations", "prometheus.io/port"));
    }

    [Fact]
    public void The_termination_grace_period_is_longer_than_the_silo_shutdown_grace_period()
    {
        var podGrace = TimeSpan.FromSeconds(int.Parse(Deployment.Text("spec", "template", "spec", "terminationGracePeriodSeconds")));

        Assert.True(podGrace > SiloOptions().Shutdown.GracePeriod, $"terminationGracePeriodSeconds {podGrace} must exceed Shutdown:GracePeriod {SiloOptions().Shutdown.GracePeriod}");
    }

    [Fact]
    public void Silos_run_on_the_gpu_pool_with_one_slot_per_gpu()
    {
        var podSpec = Deployment.MapAt("spec", "template", "spec");

        Assert.True(int.Parse(Container.Text("resources", "limits", "nvidia.com/gpu")) >= 1);
        Assert.NotEmpty(podSpec.MapAt("nodeSelector").Children);
        Assert.Contains(podSpec.SeqAt("tolerations"), t => t.Text("key") == "nvidia.com/gpu");
        // auto counts the GPUs the pod was given, so the slot count follows the nvidia.com/gpu limit.
        Assert.Equal("auto", SiloOptions().Devices.Slots);
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
}

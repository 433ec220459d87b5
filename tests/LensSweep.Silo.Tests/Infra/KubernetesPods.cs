using YamlDotNet.RepresentationModel;

namespace LensSweep.Silo.Tests.Infra;

/// <summary>Reads Kubernetes resources the way the cluster would start a Deployment's pod.</summary>
internal static class KubernetesPods
{
    public static YamlMappingNode Deployment(IReadOnlyList<YamlMappingNode> resources, string name) =>
        Assert.Single(resources, r => r.Text("kind") == "Deployment" && r.Text("metadata", "name") == name);

    public static YamlMappingNode Container(IReadOnlyList<YamlMappingNode> resources, string deployment) =>
        Assert.IsType<YamlMappingNode>(Assert.Single(Deployment(resources, deployment).MapAt("spec", "template", "spec").SeqAt("containers")));

    /// <summary>The environment a silo pod starts with: the ConfigMaps it imports, then its own env, secrets and pod fields filled in.</summary>
    public static Dictionary<string, string> Environment(IReadOnlyList<YamlMappingNode> resources, string deployment)
    {
        var environment = new Dictionary<string, string>();
        var container = Container(resources, deployment);
        foreach (var source in container.SeqAt("envFrom"))
        {
            var name = source.Text("configMapRef", "name");
            var configMap = Assert.Single(resources, r => r.Text("kind") == "ConfigMap" && r.Text("metadata", "name") == name);
            foreach (var (key, value) in configMap.MapAt("data").Pairs())
                environment[key] = value;
        }
        foreach (var variable in container.SeqAt("env"))
        {
            var name = variable.Text("name");
            if (variable.Get("value") is YamlScalarNode literal)
                environment[name] = literal.Value ?? "";
            else if (variable.Get("valueFrom")?.Get("secretKeyRef") is { } secretRef)
                environment[name] = SecretValues(resources, secretRef.Text("name"))[secretRef.Text("key")];
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

    public static Dictionary<string, string> SecretValues(IReadOnlyList<YamlMappingNode> resources, string secretName) =>
        Assert.Single(resources, r => r.Text("kind") == "Secret" && r.Text("metadata", "name") == secretName).MapAt("stringData").Pairs();
}

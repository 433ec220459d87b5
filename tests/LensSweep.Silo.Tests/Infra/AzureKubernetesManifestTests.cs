using System.Diagnostics;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace LensSweep.Silo.Tests.Infra;

/// <summary>
/// The all-Azure overlay (infra/k8s-azure: Azure Table membership, Azure Blob state and artifacts, workload identity), as
/// `kubectl kustomize` renders it over the base. Skips, saying why, where kubectl is not installed.
/// </summary>
public sealed class AzureKubernetesManifestTests
{
    private static readonly Lazy<(IReadOnlyList<YamlMappingNode>? Resources, string? Unavailable)> Rendered = new(Render);

    public static TheoryData<string> DeploymentNames => new("lenssweep-silo-gpu", "lenssweep-coordinator");

    private static IReadOnlyList<YamlMappingNode> Resources
    {
        get
        {
            Skip.If(Rendered.Value.Unavailable is not null, Rendered.Value.Unavailable);
            return Rendered.Value.Resources!;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(DeploymentNames))]
    public void The_pod_configuration_is_valid_with_azure_table_membership_and_azure_blob_stores(string deployment)
    {
        var options = SiloSettings.FromEnvironment(KubernetesPods.Environment(Resources, deployment));

        Assert.Equal(MembershipOptions.AzureTable, options.Membership.Kind);
        Assert.Equal((StoreOptions.AzureBlob, StoreOptions.AzureBlob), (options.GrainState.Kind, options.Artifacts.Kind));
    }

    [SkippableTheory]
    [MemberData(nameof(DeploymentNames))]
    public void Every_azure_setting_signs_in_with_the_pod_identity_and_no_secret_is_read(string deployment)
    {
        var options = SiloSettings.FromEnvironment(KubernetesPods.Environment(Resources, deployment));

        Assert.True(options.Membership.AzureAccount().UsesCredential);
        Assert.True(options.GrainState.AzureAccount("GrainState").UsesCredential);
        Assert.True(options.Artifacts.AzureAccount("Artifacts").UsesCredential);
        Assert.DoesNotContain(KubernetesPods.Container(Resources, deployment).SeqAt("env"), v => v.Get("valueFrom")?.Get("secretKeyRef") is not null);
        Assert.DoesNotContain(Resources, r => r.Text("kind") == "Secret");
    }

    [SkippableTheory]
    [MemberData(nameof(DeploymentNames))]
    public void The_pod_runs_as_a_service_account_federated_for_workload_identity(string deployment)
    {
        var template = KubernetesPods.Deployment(Resources, deployment).MapAt("spec", "template");
        var accountName = template.Text("spec", "serviceAccountName");
        var account = Assert.Single(Resources, r => r.Text("kind") == "ServiceAccount" && r.Text("metadata", "name") == accountName);

        Assert.Equal("true", template.MapAt("metadata", "labels").Pairs()["azure.workload.identity/use"]);
        Assert.True(Guid.TryParse(account.MapAt("metadata", "annotations").Pairs()["azure.workload.identity/client-id"], out _));
    }

    private static (IReadOnlyList<YamlMappingNode>?, string?) Render()
    {
        var overlay = Path.Combine(RepoRoot.Path, "infra", "k8s-azure");
        var kubectl = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null)
            return (null, "kubectl is not installed, so `kubectl kustomize infra/k8s-azure` cannot render the overlay");
        var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(overlay);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        // A kubectl that cannot render a valid overlay is a failure of the overlay, not a reason to skip.
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {overlay} failed: {error.Result}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output.Result));
        return ([.. stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode))], null);
    }
}

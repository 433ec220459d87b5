using System.Text.RegularExpressions;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Tests.Support;

namespace LensSweep.Silo.Tests.Infra;

public sealed partial class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => new(Directory.GetFiles(Path.Combine(RepoRoot.Path, "infra", "docker"), "Dockerfile.*").Select(Path.GetFileName)!);

    private static string Read(string name) => File.ReadAllText(Path.Combine(RepoRoot.Path, "infra", "docker", name)).Replace("\\\n", " ", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Lenssweep_variables_set_by_the_image_are_ones_the_silo_reads(string dockerfile)
    {
        var names = EnvName().Matches(Read(dockerfile)).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains(n, SiloSettings.EnvironmentVariables));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_image_exposes_the_silo_ports_and_checks_health_on_the_http_port(string dockerfile)
    {
        var defaults = new SiloHostOptions();
        var text = Read(dockerfile);

        Assert.Contains($"EXPOSE {defaults.Network.SiloPort} {defaults.Network.GatewayPort} {defaults.Http.Port}", text, StringComparison.Ordinal);
        Assert.Contains($"/dev/tcp/127.0.0.1/{defaults.Http.Port}", text, StringComparison.Ordinal);
        Assert.Contains("GET /healthz", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_image_runs_as_a_non_root_user(string dockerfile)
    {
        var lastUser = Read(dockerfile).Split('\n').Last(l => l.StartsWith("USER ", StringComparison.Ordinal));

        Assert.DoesNotMatch(@"USER\s+(root|0)\b", lastUser);
    }

    [Fact]
    public void The_cuda_image_builds_every_project_with_the_cuda_switch()
    {
        var publishes = Read("Dockerfile.cuda").Split("dotnet publish").Skip(1).ToList();

        Assert.Equal(2, publishes.Count);
        Assert.All(publishes, p => Assert.Contains("-p:LensSweepCuda=true", p, StringComparison.Ordinal));
        Assert.DoesNotContain("LensSweepCuda", Read("Dockerfile.cpu"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\b(LENSSWEEP_[A-Z_]+)=")]
    private static partial Regex EnvName();
}

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
        // The check follows the port the silo is configured with, not a number written twice.
        Assert.Contains("/dev/tcp/127.0.0.1/${LENSSWEEP_HTTP__PORT:-" + defaults.Http.Port + "}", text, StringComparison.Ordinal);
        Assert.Contains($"LENSSWEEP_HTTP__PORT={defaults.Http.Port}", text, StringComparison.Ordinal);
        Assert.Contains("GET /healthz", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Packages_are_restored_from_the_project_files_before_the_sources_are_copied(string dockerfile)
    {
        var lines = Read(dockerfile).Split('\n');
        var sources = Array.FindIndex(lines, l => l.StartsWith("COPY src/ src/", StringComparison.Ordinal));
        var restore = Array.FindIndex(lines, l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var projects = Directory.GetFiles(Path.Combine(RepoRoot.Path, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepoRoot.Path, p).Replace('\\', '/'));

        Assert.InRange(restore, 0, sources - 1);
        foreach (var project in projects)
            Assert.InRange(Array.FindIndex(lines, l => l.StartsWith($"COPY {project} ", StringComparison.Ordinal)), 0, restore - 1);
        Assert.All(lines.Where(l => l.Contains("dotnet publish", StringComparison.Ordinal)), l => Assert.Contains("--no-restore", l, StringComparison.Ordinal));
    }

    [Fact]
    public void The_build_context_leaves_out_host_build_outputs_and_git()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepoRoot.Path, ".dockerignore")).Select(l => l.Trim()).ToHashSet();

        Assert.Subset(ignored, new HashSet<string> { "**/bin/", "**/obj/", ".git/" });
    }

    [Fact]
    public void The_build_context_leaves_out_the_development_tls_certificates_the_compose_file_mounts()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepoRoot.Path, ".dockerignore")).Select(l => l.Trim()).ToHashSet();

        Assert.Contains("infra/tls/dev/", ignored);
        Assert.Contains("./tls/dev:/etc/lenssweep/tls:ro", File.ReadAllText(Path.Combine(RepoRoot.Path, "infra", "docker-compose.yml")), StringComparison.Ordinal);
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

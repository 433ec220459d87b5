using System.CommandLine;
using System.Text.RegularExpressions;
using LensSweep.Client.Cluster;

namespace LensSweep.Client.Tests;

/// <summary>
/// The Docker Compose recipe works as written: every console command shown with
/// <c>docker compose … run --rm console …</c> (in the compose file and the READMEs) parses against the real command
/// tree, names a spec the console's volume holds, and the console is pointed at the silos' gateways. Docker is not
/// needed: this checks what a reader would type, not the containers.
/// </summary>
public sealed partial class ComposeRecipeTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string[] Documents = ["infra/docker-compose.yml", "infra/README.md", "README.md"];

    private static IEnumerable<(string Document, string Command)> Recipe() =>
        Documents.SelectMany(document => ConsoleCommand().Matches(File.ReadAllText(Path.Combine(Root, document)))
            .Select(match => (document, match.Groups["args"].Value.Trim())));

    public static TheoryData<string, string> ConsoleLines()
    {
        var lines = new TheoryData<string, string>();
        foreach (var (document, command) in Recipe())
            lines.Add(document, command);
        return lines;
    }

    [Fact]
    public void The_compose_file_shows_how_to_start_watch_and_rank_a_study_from_the_console()
    {
        var commands = Recipe().Where(l => l.Document == "infra/docker-compose.yml").Select(l => l.Command).ToList();

        Assert.Contains(commands, c => c.StartsWith("study start ", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.StartsWith("leaderboard ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ConsoleLines))]
    public void Each_console_command_of_the_recipe_is_one_the_console_has(string document, string command)
    {
        var parsed = Parse(command);

        Assert.True(parsed.Errors.Count == 0, $"{document}: 'lenssweep {command}' does not parse: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
        Assert.IsNotType<RootCommand>(parsed.CommandResult.Command);
    }

    [Fact]
    public void A_command_name_the_console_does_not_have_is_refused()
    {
        Assert.NotEmpty(Parse("sweep start /studies/quick.json").Errors);
    }

    [Theory]
    [MemberData(nameof(ConsoleLines))]
    public void Specs_named_in_the_recipe_are_examples_the_console_container_mounts(string document, string command)
    {
        var compose = File.ReadAllText(Path.Combine(Root, "infra", "docker-compose.yml"));
        Assert.Contains("../examples:/studies", compose, StringComparison.Ordinal);

        foreach (var spec in command.Split(' ').Where(a => a.StartsWith("/studies/", StringComparison.Ordinal)))
            Assert.True(File.Exists(Path.Combine(Root, "examples", spec["/studies/".Length..])), $"{document}: {spec} is not in examples/");
    }

    [Fact]
    public void The_console_is_pointed_at_the_silo_gateways_and_not_at_its_own_loopback()
    {
        var compose = File.ReadAllText(Path.Combine(Root, "infra", "docker-compose.yml"));
        var gateways = GatewaysVariable().Match(compose);

        Assert.True(gateways.Success, $"the console's environment sets no {ClusterAddress.EnvironmentVariable}");
        Assert.True(ClusterAddress.TryParseList(gateways.Groups["list"].Value, out var addresses, out var problem), problem);
        Assert.All(addresses, a => Assert.Matches(@"^silo-\d+$", a.Host));
    }

    private static ParseResult Parse(string command) =>
        Cli.Build(new FakeCluster().Services()).Parse(command.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LensSweep.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException("The tests run inside the LensSweep repository.");
    }

    [GeneratedRegex(@"docker compose -f infra/docker-compose\.yml run --rm console (?<args>[^#\n`]+)")]
    private static partial Regex ConsoleCommand();

    [GeneratedRegex(@"LENSSWEEP_CLUSTER:\s*(?<list>\S+)")]
    private static partial Regex GatewaysVariable();
}

using System.CommandLine;
using System.Text.RegularExpressions;
using LensSweep.Client.Cluster;

namespace LensSweep.Client.Tests;

/// <summary>
/// The console commands of the port-forward recipe in the READMEs ("The console from a laptop") are ones the console
/// has, and their forwards pair with their gateways; the manifests' side of the recipe is checked in the Silo tests.
/// </summary>
public sealed partial class PortForwardRecipeTests
{
    private static readonly string[] Documents = ["README.md", "infra/README.md"];

    private static IEnumerable<(string Document, string Command)> Recipe() =>
        Documents.SelectMany(document => ConsoleCommand().Matches(File.ReadAllText(Path.Combine(StudyCommandTests.RepositoryRoot(), document)))
            .Select(match => (document, match.Groups["args"].Value.Trim())));

    public static TheoryData<string, string> RecipeCommands()
    {
        var commands = new TheoryData<string, string>();
        foreach (var (document, command) in Recipe())
            commands.Add(document, command);
        return commands;
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("infra/README.md")]
    public void The_document_shows_a_console_command_through_a_port_forward(string document)
    {
        Assert.Contains(Recipe(), line => line.Document == document);
    }

    [Theory]
    [MemberData(nameof(RecipeCommands))]
    public void Each_command_of_the_recipe_parses_and_names_one_advertised_gateway_per_forward(string document, string command)
    {
        // The shell fills $POD_IP and the like with the pods' IPs.
        var parsed = Cli.Build(new FakeCluster().Services()).Parse(ShellVariable().Replace(command, "10.244.1.7").Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(parsed.Errors.Count == 0, $"{document}: 'lenssweep {command}' does not parse: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
        Assert.IsNotType<RootCommand>(parsed.CommandResult.Command);
        var gateways = parsed.GetRequiredValue<IReadOnlyList<ClusterAddress>>("--cluster");
        var forwardedTo = parsed.GetRequiredValue<IReadOnlyList<ClusterAddress>?>("--forwarded-to")!;
        Assert.True(GatewayForwarding.TryPair(gateways, forwardedTo, out _, out var problem), $"{document}: --forwarded-to {problem}");
    }

    [GeneratedRegex(@"^ {4}(?:\./)?lenssweep (?<args>[^\n]*--forwarded-to[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex ConsoleCommand();

    [GeneratedRegex(@"\$[A-Z_]+")]
    private static partial Regex ShellVariable();
}

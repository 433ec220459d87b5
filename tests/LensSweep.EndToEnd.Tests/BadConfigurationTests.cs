using LensSweep.Silo.Tests.Support;
using LensSweep.EndToEnd.Tests.Support;

namespace LensSweep.EndToEnd.Tests;

/// <summary>
/// lenssweep-silo processes given a configuration that cannot work: each exits 2 at start with one line on stderr
/// naming the setting and the service, no stack trace and no secret. (An unknown membership kind is covered by
/// LensSweep.Silo.Tests' process test.)
/// </summary>
public sealed class BadConfigurationTests
{
    private const string Secret = "hunter2-secret";

    [Fact]
    public async Task An_unreachable_redis_fails_at_start_with_one_line_naming_it()
    {
        await using var scenario = new Scenario();
        var deadPort = FreePort.Next();

        var silo = await RunToExitAsync(scenario, ["--membership", "redis", "--slots", "none"],
            new() { ["LENSSWEEP_MEMBERSHIP__CONNECTIONSTRING"] = $"127.0.0.1:{deadPort},password={Secret}" });

        AssertOneLineFailure(silo, $"lenssweep-silo: Membership: Redis at 127.0.0.1:{deadPort} is unreachable");
    }

    [Fact]
    public async Task An_unreachable_postgres_fails_at_start_with_one_line_naming_it()
    {
        await using var scenario = new Scenario();
        var deadPort = FreePort.Next();

        var silo = await RunToExitAsync(scenario, ["--membership", "postgres", "--slots", "none"],
            new() { ["LENSSWEEP_MEMBERSHIP__CONNECTIONSTRING"] = $"Host=127.0.0.1;Port={deadPort};Database=orleans;Username=orleans;Password={Secret}" });

        AssertOneLineFailure(silo, $"lenssweep-silo: Membership: PostgreSQL at 127.0.0.1:{deadPort}/orleans is unreachable");
    }

    [Fact]
    public async Task A_malformed_azure_connection_string_fails_at_start_with_one_line_naming_the_setting()
    {
        await using var scenario = new Scenario();

        var silo = await RunToExitAsync(scenario, ["--grain-state", "azureblob", "--slots", "none"],
            new() { ["LENSSWEEP_GRAINSTATE__CONNECTIONSTRING"] = $"AccountName=prod;AccountKey={Secret};NotAKey" });

        AssertOneLineFailure(silo, "lenssweep-silo: GrainState:ConnectionString is not a valid Azure Storage connection string");
    }

    [Fact]
    public async Task An_azure_account_key_the_service_rejects_fails_at_start_with_one_line_naming_the_store()
    {
        await using var scenario = new Scenario();
        await scenario.StartAzuriteAsync();
        var port = scenario.AzuritePorts!.Blob;
        var wrongKey = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Secret.PadRight(64, 'x')));

        var silo = await RunToExitAsync(scenario, ["--artifacts", "azureblob", "--slots", "none"],
            new() { ["LENSSWEEP_ARTIFACTS__CONNECTIONSTRING"] = AzuriteCommand.ConnectionString(scenario.AzuritePorts, wrongKey) });

        AssertOneLineFailure(silo, $"lenssweep-silo: Artifacts: Azure Blob at http://127.0.0.1:{port}/{Scenario.AzuriteAccount}/lenssweep-artifacts rejected the credentials");
        Assert.DoesNotContain(wrongKey, string.Join('\n', silo.Process.Lines), StringComparison.Ordinal);
    }

    private static async Task<SiloProcess> RunToExitAsync(Scenario scenario, string[] flags, Dictionary<string, string> environment)
    {
        var silo = scenario.StartSiloProcess("misconfigured", flags, environment);
        Assert.True(await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the silo did not exit on a bad configuration\n{silo.Process.Tail()}");
        return silo;
    }

    private static void AssertOneLineFailure(SiloProcess silo, string expectedStart)
    {
        var output = silo.Process.Lines;
        var context = silo.Process.Tail();
        Assert.True(silo.Process.ExitCode == 2, $"exit code {silo.Process.ExitCode}, expected 2\n{context}");
        var line = Assert.Single(output);
        Assert.StartsWith(expectedStart, line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, line, StringComparison.Ordinal);
        Assert.Empty(silo.Process.StandardOutput);
    }
}

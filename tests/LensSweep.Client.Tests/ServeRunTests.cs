using System.Net;
using System.Text.Json;
using LensSweep.Client.Commands;
using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Client.Tests;

[Collection(EmbeddedRuns.Name)]
public sealed class ServeRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-serve-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>An embedded run whose rungs wait at <paramref name="turnstile"/>.</summary>
    internal static CliServices HeldRun(RungTurnstile turnstile) => new()
    {
        Embedded = new EmbeddedSiloLauncher(silo =>
        {
            silo.Services.AddSingleton(turnstile);
            silo.Services.AddSingleton<InstantTrainer>();
            silo.Services.AddSingleton<ITrialTrainer, TurnstileTrainer>();
        }),
    };

    [Fact]
    public async Task Run_with_serve_serves_its_study_at_api_studies_while_it_runs()
    {
        var turnstile = new RungTurnstile();
        var port = LoopbackPorts.Take(1)[0];
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var run = CliHarness.RunAsync(HeldRun(turnstile), limit.Token, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--slots", "2", "--serve", $"{port}");
        string? studies = null;
        try
        {
            studies = await Eventually.ValueAsync(async () =>
            {
                var text = await http.GetStringAsync("api/studies", limit.Token);
                using var seen = JsonDocument.Parse(text);
                return seen.RootElement.GetArrayLength() > 0 && seen.RootElement[0].GetProperty("running").GetArrayLength() > 0 ? text : null;
            }, limit.Token);
        }
        finally
        {
            turnstile.Open();
        }

        var (code, output, error) = await run;
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var json = JsonDocument.Parse(studies);
        Assert.Equal("quick", json.RootElement[0].GetProperty("id").GetString());
        Assert.NotEmpty(json.RootElement[0].GetProperty("running").EnumerateArray());
        Assert.Contains($"Study page: http://127.0.0.1:{port}/", output);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("web")]
    [InlineData("example.org:8080")]
    [InlineData("::1:8080")]
    public async Task A_bad_serve_value_exits_2_before_anything_starts_naming_it(string value)
    {
        var launcher = new RefusingLauncher();

        var (code, _, error) = await CliHarness.RunAsync(new CliServices { Embedded = launcher }, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--serve", value);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.Split('\n'), line => line.Contains($"--serve '{value}'", StringComparison.Ordinal));
        Assert.False(launcher.Started);
    }

    [Fact]
    public async Task A_page_served_to_other_machines_without_a_token_is_warned_about_before_the_run_starts()
    {
        var launcher = new RefusingLauncher();

        var (_, _, error) = await CliHarness.RunAsync(new CliServices { Embedded = launcher }, "run", StudyCommandTests.QuickSpec, "--out", _folder, "--serve", "0.0.0.0:8080");

        Assert.Contains("Warning: the study page at 0.0.0.0:8080 has no token", error);
        Assert.True(launcher.Started);
    }

    [Theory]
    [InlineData("8080", null)]
    [InlineData("0.0.0.0:8080", "t")]
    public async Task A_page_on_loopback_or_with_a_token_is_not_warned_about(string serve, string? token)
    {
        string[] tokenArgs = token is null ? [] : ["--serve-token", token];

        var (_, _, error) = await CliHarness.RunAsync(new CliServices { Embedded = new RefusingLauncher() }, ["run", StudyCommandTests.QuickSpec, "--out", _folder, "--serve", serve, .. tokenArgs]);

        Assert.DoesNotContain("Warning: the study page", error);
    }

    [Fact]
    public async Task A_serve_token_without_serve_is_refused()
    {
        var (code, _, error) = await CliHarness.RunAsync(new CliServices { Embedded = new RefusingLauncher() }, "run", StudyCommandTests.QuickSpec, "--serve-token", "t");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--serve-token needs --serve", error);
    }

    [Theory]
    [InlineData(":8080", "give a host before the ':'")]
    [InlineData("::1:8080", "an IPv6 address needs brackets")]
    [InlineData("example.org:8080", "'example.org' is not an IP address")]
    [InlineData("web", "the port must be a whole number")]
    public void A_bad_serve_value_names_what_is_wrong_with_it(string value, string reason)
    {
        ServeAddress.Parse(value, out var problem);

        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData("8080", "127.0.0.1:8080")]
    [InlineData("localhost:8081", "127.0.0.1:8081")]
    [InlineData("0.0.0.0:9000", "0.0.0.0:9000")]
    [InlineData("[::1]:9001", "[::1]:9001")]
    public void A_serve_address_binds_loopback_unless_a_host_is_given(string value, string expected)
    {
        var endpoint = ServeAddress.Parse(value, out var problem);

        Assert.Null(problem);
        Assert.Equal(IPEndPoint.Parse(expected), endpoint);
    }

    private sealed class RefusingLauncher : Cluster.IEmbeddedClusterLauncher
    {
        public bool Started { get; private set; }

        public Task<Cluster.IStudyCluster> StartAsync(Cluster.EmbeddedClusterOptions options, CancellationToken cancellationToken)
        {
            Started = true;
            throw new InvalidOperationException("nothing should start");
        }
    }
}

/// <summary>Waits on a condition, however slow the machine: polls until it holds or the test's own limit cancels.</summary>
internal static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> read, CancellationToken cancellationToken) where T : class
    {
        while (true)
        {
            try
            {
                if (await read() is { } value)
                {
                    return value;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}

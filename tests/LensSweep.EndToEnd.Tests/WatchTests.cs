using System.Text.RegularExpressions;
using LensSweep.EndToEnd.Tests.Support;

namespace LensSweep.EndToEnd.Tests;

/// <summary>`lenssweep study watch` against a real cluster whose silos die and come back.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class WatchTests
{
    [Fact]
    public async Task A_watch_rides_out_a_kill_and_restart_of_its_gateway_silo_and_ends_with_the_study()
    {
        await using var scenario = new Scenario();
        await Task.WhenAll(scenario.StartRedisAsync(), scenario.StartAzuriteAsync());
        var silos = await Task.WhenAll(scenario.StartSiloAsync("gateway"), scenario.StartSiloAsync("worker"));
        var (gateway, worker) = (silos[0], silos[1]);
        var study = new TinyStudy("watched", ImagesPerClass: 200);
        await scenario.StartStudyAsync(worker, study.WriteTo(scenario.Folder));

        var watch = scenario.StartCli(gateway, "study", "watch", study.Name);
        await WaitForLineAsync(watch, SummaryLine(), scenario);
        gateway.Process.Signal("KILL");
        await WaitForLineAsync(watch, ReconnectingLine(), scenario);
        await scenario.StartSiloAsync("gateway-again", sameAddressAs: gateway);

        Assert.True(await watch.WaitForExitAsync(TimeSpan.FromMinutes(4)), $"the watch never ended\n{watch.Tail()}\n{scenario.Tails()}");
        Assert.True(watch.ExitCode == 0, $"the watch exited with {watch.ExitCode}\n{watch.Tail()}\n{scenario.Tails()}");
        Assert.Matches(CompletedLine(), watch.StandardOutput);
        var trialLines = watch.FindLines(TrialLine());
        Assert.NotEmpty(trialLines);
        Assert.All(trialLines, line => Assert.Matches(@"\(mask_ratio=\S+ embed_dim=\S+\)$", line.Value));
    }

    private static async Task WaitForLineAsync(ChildProcess process, Regex pattern, Scenario scenario)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (process.FindLine(pattern) is not null)
                return;
            await Task.Delay(50);
        }

        Assert.Fail($"{process.Name} never printed /{pattern}/\n{process.Tail()}\n{scenario.Tails()}");
    }

    [GeneratedRegex(@"^watched running: waiting \d+, running \d+")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^lost contact with the cluster; reconnecting")]
    private static partial Regex ReconnectingLine();

    [GeneratedRegex(@"^  watched/\d+ .*$")]
    private static partial Regex TrialLine();

    [GeneratedRegex(@"^watched completed:", RegexOptions.Multiline)]
    private static partial Regex CompletedLine();
}

using System.Diagnostics;
using LensSweep.Silo.Tests.Support;

namespace LensSweep.Silo.Tests.Hosting;

/// <summary>The lenssweep-silo process itself, as an operator or Kubernetes runs it.</summary>
public sealed class SiloProcessTests
{
    private static Process Start(string workDir, params string[] args)
    {
        var muxer = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(muxer) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lenssweep-silo.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // The test runner's own LENSSWEEP_ settings, if any, must not leak into the silo under test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("LENSSWEEP_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        return Process.Start(start)!;
    }

    [Fact]
    public async Task Bad_configuration_exits_2_with_one_line_per_problem_and_no_stack_trace()
    {
        var work = Directory.CreateTempSubdirectory("lenssweep-silo-").FullName;
        using var silo = Start(work, "--membership", "zookeeper", "--slots", "gpu:0");
        var stderr = silo.StandardError.ReadToEndAsync();
        var stdout = silo.StandardOutput.ReadToEndAsync();

        Assert.True(silo.WaitForExit(60_000));
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, silo.ExitCode);
        Assert.Equal(
            ["lenssweep-silo: Membership:Kind is 'zookeeper'; expected localhost, redis, postgres or azuretable",
             "lenssweep-silo: Devices:Slots 'gpu:0' has 'gpu:0'; each slot is cuda:N or cpu:N with N a device index (0, 1, …)"],
            lines);
        Assert.Equal("", await stdout);
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task Sigterm_stops_a_running_silo_cleanly_with_exit_code_0()
    {
        var work = Directory.CreateTempSubdirectory("lenssweep-silo-").FullName;
        var httpPort = FreePort.Next();
        using var silo = Start(work,
            "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(), "--http-port", httpPort.ToString(),
            "--slots", "cpu:0", "--grace-period", "00:00:20");
        var stderr = silo.StandardError.ReadToEndAsync();
        var stdout = silo.StandardOutput.ReadToEndAsync();
        using var http = new SiloHttp(httpPort);
        Assert.True(await http.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), () => !silo.HasExited), await ExitedOutput(silo, stderr));

        using (var kill = Process.Start("kill", ["-TERM", silo.Id.ToString()]))
            await kill.WaitForExitAsync();

        Assert.True(silo.WaitForExit(60_000), "the silo did not exit after SIGTERM");
        Assert.Equal(0, silo.ExitCode);
        Assert.Contains("LensSweep silo: cluster lenssweep/lenssweep, membership localhost", await stdout, StringComparison.Ordinal);
        Directory.Delete(work, recursive: true);
    }

    private static async Task<string> ExitedOutput(Process silo, Task<string> stderr) =>
        silo.HasExited ? $"silo exited {silo.ExitCode}: {await stderr}" : "silo never became ready";
}

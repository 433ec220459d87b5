namespace LensSweep.Client.Tests;

/// <summary>Runs the console in-process and captures what it prints.</summary>
internal static class CliHarness
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(CliServices services, params string[] args) =>
        RunAsync(services, CancellationToken.None, args);

    /// <summary>Cancelling <paramref name="ctrlC"/> is pressing Ctrl+C.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(CliServices services, CancellationToken ctrlC, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await Cli.RunAsync(args, services, output, error, ctrlC);
        return (exitCode, output.ToString(), error.ToString());
    }

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) =>
        RunAsync(new FakeCluster().With(SampleStudy.Results()).Services(), args);
}

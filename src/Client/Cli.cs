using System.CommandLine;

namespace LensSweep.Client;

/// <summary>The lenssweep command tree. Exit codes: 0 success, 1 the work failed or was cancelled, 2 bad usage or input.</summary>
public static class Cli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("LensSweep: hyperparameter scaling studies of masked-autoencoder pretraining on lensing images.");
        return root;
    }

    public static Task<int> RunAsync(string[] args) => Build().Parse(args).InvokeAsync();
}

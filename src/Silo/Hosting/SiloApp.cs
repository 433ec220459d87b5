using LensSweep.Silo.Health;
using Microsoft.AspNetCore.Builder;

namespace LensSweep.Silo.Hosting;

/// <summary>The lenssweep-silo process: a silo plus its HTTP endpoint (health, metrics, dashboard), ready to run.</summary>
public static class SiloApp
{
    /// <summary>Builds the silo from appsettings.json, LENSSWEEP_ variables and <paramref name="args"/>, after checking the services it needs are reachable.</summary>
    /// <exception cref="SiloStartupException">Bad flags or configuration, or an unreachable service; one line per problem.</exception>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<ISiloBuilder>? configureEngine = null, CancellationToken cancellationToken = default)
    {
        // No args to the web builder: its own command-line parser would take flags it does not know as keys.
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddLensSweepSiloConfiguration(args);
        builder.AddLensSweepSilo(configureEngine);
        await SiloPreflight.CheckAsync(SiloConfiguration.Read(builder.Configuration), cancellationToken).ConfigureAwait(false);
        var app = builder.Build();
        app.MapLensSweepSiloEndpoints();
        return app;
    }
}

using LensSweep.Silo.Health;
using LensSweep.Grains.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace LensSweep.Silo.Hosting;

/// <summary>The lenssweep-silo process: a silo plus its HTTP endpoint (health, metrics, dashboard), ready to run.</summary>
public static class SiloApp
{
    /// <summary>Builds the silo from appsettings.json, LENSSWEEP_ variables and <paramref name="args"/>, after checking the services it needs are reachable.</summary>
    /// <exception cref="SiloStartupException">Bad flags or configuration, or an unreachable service; one line per problem.</exception>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<ISiloBuilder>? configureEngine = null, CancellationToken cancellationToken = default)
    {
        // No args to the web builder: its own command-line parser would take flags it does not know as keys.
        // The content root is the install folder, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.AddLensSweepSiloConfiguration(args);
        builder.AddLensSweepSilo(configureEngine);
        await SiloPreflight.CheckAsync(SiloConfiguration.Read(builder.Configuration), cancellationToken).ConfigureAwait(false);
        var app = builder.Build();
        ClaimGrainStateStore(app.Services);
        app.MapLensSweepSiloEndpoints();
        return app;
    }

    /// <summary>
    /// Opens the grain state store now rather than at the first grain activation, so a local state folder
    /// that another process holds fails the start with one line instead of failing grain calls later.
    /// </summary>
    private static void ClaimGrainStateStore(IServiceProvider services)
    {
        try
        {
            services.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStorageName);
        }
        catch (IOException e)
        {
            throw new SiloStartupException([$"GrainState: {e.Message}"]);
        }
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LensSweep.Reporting.Web;

/// <summary>
/// The study page on its own small Kestrel server beside a silo in this process (<c>lenssweep run --serve</c>):
/// no configuration files and no logging, so the run's console output stays as it is.
/// </summary>
public static class StudyPageServer
{
    /// <exception cref="IOException">The address cannot be bound (in use, or not this machine's).</exception>
    public static async Task<WebApplication> StartAsync(IGrainFactory grains, IPEndPoint endpoint, string? token, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(endpoint));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(grains);
        var app = builder.Build();
        app.UseRouting();
        app.MapStudyPage(token);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}

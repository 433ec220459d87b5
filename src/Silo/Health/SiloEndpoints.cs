using LensSweep.Reporting.Web;
using LensSweep.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace LensSweep.Silo.Health;

public static class SiloEndpoints
{
    /// <summary>/healthz (the process answers), /readyz (the silo is active and not draining), /metrics (Prometheus and KEDA, see <see cref="SiloTelemetry"/>), /dashboard and the study page (/, /api/studies) when enabled.</summary>
    public static WebApplication MapLensSweepSiloEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (SiloReadiness readiness) => readiness.IsReady
            ? Results.Text("ready\n")
            : Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapLensSweepMetrics();
        var options = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;
        if (options.Dashboard.Enabled)
            app.MapOrleansDashboard("/dashboard");
        if (options.StudyPage.Enabled)
            app.MapStudyPage(options.StudyPage.Token);
        return app;
    }
}

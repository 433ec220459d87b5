using System.Diagnostics.Metrics;
using LensSweep.Grains.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace LensSweep.Silo.Health;

/// <summary>
/// Metrics through System.Diagnostics.Metrics and OpenTelemetry's Prometheus exporter: Orleans' own meters, the
/// engine's (<see cref="EngineMetrics"/>) and the silo's gauges (<see cref="SiloGauges"/>), on one /metrics
/// endpoint that Prometheus and KEDA both read. Every series carries a <c>silo</c> label (this process's silo).
/// </summary>
public static class SiloTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>The label every series carries: the silo's address, one silo per process.</summary>
    public const string SiloLabel = "silo";

    /// <summary>The meters Orleans publishes (grain calls, messaging, membership, storage...).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    public static IHostApplicationBuilder AddLensSweepMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StudyDemandReader>();
        builder.Services.AddSingleton<SiloGauges>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(services => new SiloResourceDetector(services.GetRequiredService<ILocalSiloDetails>())))
            .WithMetrics(metrics => ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) =>
                {
                    // The silo's gauges come from this host's meter factory; several hosts in one process (tests, the
                    // embedded console) each report only their own slots.
                    var own = services.GetRequiredService<IMeterFactory>();
                    provider.AddView(i => i.Meter.Name == SiloGauges.MeterName && !ReferenceEquals(i.Meter.Scope, own) ? MetricStreamConfiguration.Drop : null);
                })
                .AddMeter(EngineMetrics.MeterName, SiloGauges.MeterName, OrleansMeterName)
                .AddPrometheusExporter(prometheus =>
                {
                    prometheus.ScrapeEndpointPath = MetricsPath;
                    // Every scrape reads fresh numbers: KEDA polls seldom, and a cached answer would hide a study that just started.
                    prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                    prometheus.ResourceConstantLabels = key => key == SiloLabel;
                }));
        return builder;
    }

    /// <summary>Serves /metrics; before each scrape the studies' waiting trials are read (grain calls the gauges cannot make).</summary>
    public static WebApplication MapLensSweepMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Resolved here so the gauges exist before the first scrape collects.
        var gauges = app.Services.GetRequiredService<SiloGauges>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path == MetricsPath,
            path: null,
            configureBranchedPipeline: branch => branch.Use(async (HttpContext context, RequestDelegate next) =>
            {
                await gauges.RefreshAsync(context.RequestAborted);
                await next(context);
            }),
            optionsName: null);
        return app;
    }

    private sealed class SiloResourceDetector(ILocalSiloDetails silo) : IResourceDetector
    {
        public Resource Detect() => new([new KeyValuePair<string, object>(SiloLabel, silo.SiloAddress.ToParsableString())]);
    }
}

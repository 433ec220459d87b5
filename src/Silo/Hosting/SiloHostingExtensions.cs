using System.Net;
using LensSweep.Silo.Devices;
using LensSweep.Silo.Health;
using LensSweep.Silo.Security;
using LensSweep.Silo.Shutdown;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace LensSweep.Silo.Hosting;

public static class SiloHostingExtensions
{
    /// <summary>
    /// Makes this host a LensSweep silo configured by <see cref="SiloHostOptions"/> (bound from the configuration root).
    /// <paramref name="configureEngine"/> is where the study engine plugs in: <c>silo => silo.AddLensSweepEngine()</c>.
    /// </summary>
    /// <exception cref="SiloStartupException">The configuration is not valid (every problem, one line each).</exception>
    public static IHostApplicationBuilder AddLensSweepSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configureEngine = null)
    {
        // Read eagerly: which Orleans providers to register depends on the values.
        var options = SiloConfiguration.Read(builder.Configuration);
        var detection = ResolveSlots(options.Devices.Slots);
        var slots = detection.Slots;
        var tls = LoadTls(options.Tls);

        builder.Services.AddOptions<SiloHostOptions>().Bind(builder.Configuration).PostConfigure(SiloConfiguration.Normalize).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloHostOptions>, SiloHostOptionsValidator>();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.Shutdown.GracePeriod);
        builder.Services.Configure<KestrelServerOptions>(k => k.Listen(IPAddress.Parse(options.Http.BindAddress), options.Http.Port));
        builder.Services.AddSingleton(detection);
        builder.Services.AddHostedService(sp => new TlsStartupLog(tls, options.Membership.Kind != MembershipOptions.Localhost, sp.GetRequiredService<ILogger<TlsStartupLog>>()));
        builder.Services.AddSingleton<SiloReadiness>();
        builder.Services.AddHostedService<SiloStartupLog>();

        builder.UseOrleans(silo =>
        {
            silo.UseLensSweepMembership(options);
            if (tls is not null)
                silo.UseLensSweepTls(tls);
            silo.AddLensSweepStores(options);
            silo.AddLensSweepDeviceSlots(slots);
            silo.Services.AddSingleton<ISiloDrain, EngineSiloDrain>();
            silo.UseLensSweepEngineTiming(options.Engine);
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloReadiness>());
            if (options.Dashboard.Enabled)
                silo.AddDashboard();
            configureEngine?.Invoke(silo);
        });

        builder.AddLensSweepMetrics();
        // After Orleans, so the drain's "stopping" phase runs before Orleans' hosted service begins to stop.
        builder.Services.AddHostedService<SiloDrainService>();
        return builder;
    }

    /// <summary>The certificate and authorities, read and checked now: a missing file or an expired certificate stops the start with one line.</summary>
    /// <exception cref="SiloStartupException">The certificate or the authorities cannot be used.</exception>
    private static TlsMaterial? LoadTls(TransportTlsOptions settings)
    {
        var tls = TlsCertificates.Load(settings, TlsRole.Silo, SiloConfiguration.TlsKey, DateTimeOffset.UtcNow, out var problems);
        return problems.Count > 0 ? throw new SiloStartupException(problems) : tls;
    }

    /// <summary>
    /// "auto" asks libtorch which CUDA devices it can use; an explicit list is checked against the same answer,
    /// so cuda slots on a CPU-only build stop the start with one line instead of failing every trial.
    /// </summary>
    /// <exception cref="SiloStartupException">An explicit cuda slot has no CUDA device behind it.</exception>
    private static DeviceDetection ResolveSlots(string setting)
    {
        var detector = new DeviceSlotDetector();
        if (setting.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
            return detector.Detect();
        var slots = DeviceSlots.Parse(setting);
        return detector.ProblemWith(slots) is { } problem
            ? throw new SiloStartupException([$"Devices:Slots '{setting}': {problem}"])
            : new DeviceDetection(slots, null);
    }
}

using LensSweep.Silo.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LensSweep.Silo.Hosting;

/// <summary>One line at start saying what this silo is and where its data lives (endpoints only: connection strings are secrets).</summary>
internal sealed partial class SiloStartupLog(IOptions<SiloHostOptions> options, DeviceDetection devices, ILogger<SiloStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        LogConfiguration(
            logger,
            o.ClusterId,
            o.ServiceId,
            $"{o.Membership.Kind} {SiloPreflight.DescribeMembership(o)}".Trim(),
            $"{o.GrainState.Kind} {ConnectionStrings.DescribeStore("GrainState", o.GrainState, ConnectionStrings.RedisForGrainState(o))}",
            $"{o.Artifacts.Kind} {ConnectionStrings.DescribeStore("Artifacts", o.Artifacts, null)}",
            devices.Slots.ToString(),
            $"{o.Http.BindAddress}:{o.Http.Port}");
        if (devices.Note is { } note)
            LogDeviceNote(logger, note);
        if (o.StudyPage.IsOpenToOtherMachines(o.Http))
            LogOpenStudyPage(logger, $"{o.Http.BindAddress}:{o.Http.Port}");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "LensSweep silo: cluster {ClusterId}/{ServiceId}, membership {Membership}, grain state {GrainState}, artifacts {Artifacts}, device slots {Slots}, http {Http}")]
    private static partial void LogConfiguration(ILogger logger, string clusterId, string serviceId, string membership, string grainState, string artifacts, string slots, string http);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Device slots: {Note}")]
    private static partial void LogDeviceNote(ILogger logger, string note);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning,
        Message = "The study page at {Http} has no token, so anyone who reaches that port reads every study; set StudyPage:Token (LENSSWEEP_STUDYPAGE__TOKEN), or bind Http:BindAddress to 127.0.0.1")]
    private static partial void LogOpenStudyPage(ILogger logger, string http);
}

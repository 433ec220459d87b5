using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LensSweep.Silo.Security;

/// <summary>One line at start saying whether the Orleans ports speak TLS, with which certificate and whom they trust.</summary>
/// <param name="networked">Silos on other machines (membership other than localhost): plain TCP is then worth a warning.</param>
internal sealed partial class TlsStartupLog(TlsMaterial? tls, bool networked, ILogger<TlsStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (tls is null)
        {
            if (networked)
                LogPlain(logger);
        }
        else
        {
            LogTls(
                logger,
                tls.Describe(),
                tls.Authorities is { } authorities ? $"{authorities.Count} certificate(s) of Tls:CaPath" : "the system's trusted roots",
                tls.RequireClientCertificate ? "must present a trusted certificate" : "are not asked for a certificate");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 25, Level = LogLevel.Information,
        Message = "TLS on the silo and gateway ports: certificate {Certificate}; peers must chain to {Trust}; gateway clients {Clients}")]
    private static partial void LogTls(ILogger logger, string certificate, string trust, string clients);

    [LoggerMessage(EventId = 26, Level = LogLevel.Warning,
        Message = "The silo and gateway ports speak plain TCP: anyone who reaches the gateway can start or cancel studies (Tls:Enabled turns TLS on)")]
    private static partial void LogPlain(ILogger logger);
}

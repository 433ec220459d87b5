using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LensSweep.Client.Cluster;

/// <summary>A cluster gateway as the user writes it: <c>host:port</c>.</summary>
public sealed record ClusterAddress(string Host, int Port)
{
    public const string DefaultText = "127.0.0.1:30000";

    /// <summary>Read when <c>--cluster</c> is not given, so a shell session can point every command at one cluster.</summary>
    public const string EnvironmentVariable = "LENSSWEEP_CLUSTER";

    public static ClusterAddress Default { get; } = new("127.0.0.1", 30000);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ClusterAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535 || string.IsNullOrWhiteSpace(host))
        {
            return false;
        }

        address = new ClusterAddress(host, port);
        return true;
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

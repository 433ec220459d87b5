using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LensSweep.Client.Cluster;

/// <summary>A cluster gateway as the user writes it: <c>host:port</c>; several are written <c>a:30000,b:30000</c>.</summary>
public sealed record ClusterAddress(string Host, int Port)
{
    public const string DefaultText = "127.0.0.1:30000";

    /// <summary>Read when <c>--cluster</c> is not given, so a shell session can point every command at one cluster.</summary>
    public const string EnvironmentVariable = "LENSSWEEP_CLUSTER";

    public static ClusterAddress Default { get; } = new("127.0.0.1", 30000);

    /// <summary>The one parser for a gateway list (<c>--cluster</c> and <see cref="EnvironmentVariable"/>): comma-separated
    /// <c>host:port</c> entries, each given once.</summary>
    /// <param name="problem">What is wrong with the list, naming the entry; null when it parsed.</param>
    public static bool TryParseList(string? text, out IReadOnlyList<ClusterAddress> addresses, [NotNullWhen(false)] out string? problem)
    {
        addresses = [];
        var entries = (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        var parsed = new List<ClusterAddress>();
        foreach (var entry in entries)
        {
            if (!TryParse(entry, out var address))
            {
                problem = entry.Length == 0
                    ? $"has an empty entry in '{text}'"
                    : $"must be host:port, or several separated by commas (e.g. {DefaultText},10.0.0.5:30000); '{entry}' is not";
                return false;
            }

            if (parsed.Contains(address))
            {
                problem = $"names {address} twice";
                return false;
            }

            parsed.Add(address);
        }

        addresses = parsed;
        problem = null;
        return true;
    }

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

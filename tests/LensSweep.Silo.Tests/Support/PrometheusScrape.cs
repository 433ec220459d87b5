using System.Globalization;
using System.Text.RegularExpressions;

namespace LensSweep.Silo.Tests.Support;

/// <summary>One sample of a Prometheus text scrape: <c>name{label="value",...} value [timestamp]</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads the samples of a /metrics answer (the text exposition format), so tests ask for series, not lines.</summary>
internal static partial class PrometheusScrape
{
    public static IReadOnlyList<PrometheusSample> Parse(string body) =>
        [.. body.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(ParseLine)];

    private static PrometheusSample ParseLine(string line)
    {
        var match = SampleLine().Match(line);
        Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
        var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
        var value = match.Groups["value"].Value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var v => double.Parse(v, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(match.Groups["name"].Value, labels, value);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \S+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)["]""")]
    private static partial Regex LabelPair();
}

using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LensSweep.Grains.Specs;

/// <summary>
/// Converts a YAML spec into the equivalent JSON, so that one reader checks both formats. Plain scalars
/// are typed as YAML's core schema types them (true/false, null, ~, numbers); quoted scalars stay strings.
/// </summary>
internal static class YamlSpec
{
    /// <summary>The JSON text, or a problem with the line and column of the YAML error.</summary>
    public static (string? Json, SpecProblem? Problem) ToJson(string yaml)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0)
            {
                return (null, new SpecProblem("$", null, "the YAML document is empty"));
            }

            return (Convert(stream.Documents[0].RootNode)?.ToJsonString() ?? "null", null);
        }
        catch (YamlException e) when (IndentingTab(yaml) is { } tab)
        {
            // YamlDotNet places a tab in the indentation at the start of the enclosing mapping (often line 1,
            // column 1); the tab itself is what the user has to find.
            string message = (e.InnerException?.Message ?? e.Message).Trim();
            return (null, new SpecProblem("$", null, $"invalid YAML at line {tab.Line}, column {tab.Column}: a tab indents this line; YAML indents with spaces only ({message})"));
        }
        catch (YamlException e)
        {
            string message = (e.InnerException?.Message ?? e.Message).Trim();
            return (null, new SpecProblem("$", null, $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {message}"));
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (without a position) on some malformed plain scalars.
            return (null, new SpecProblem("$", null, $"invalid YAML: {e.Message} (check brackets and quotes)"));
        }
    }

    /// <summary>The first tab in a line's leading whitespace (1-based line and column), if any.</summary>
    private static (int Line, int Column)? IndentingTab(string yaml)
    {
        var lines = yaml.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            for (int j = 0; j < lines[i].Length && lines[i][j] is ' ' or '\t'; j++)
            {
                if (lines[i][j] == '\t')
                {
                    return (i + 1, j + 1);
                }
            }
        }

        return null;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new YamlException(node.Start, node.End, "aliases and other YAML node kinds are not supported in a study spec"),
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            string name = (key as YamlScalarNode)?.Value
                ?? throw new YamlException(key.Start, key.End, "keys must be plain names");
            if (!result.TryAdd(name, Convert(value)))
            {
                throw new YamlException(key.Start, key.End, $"key '{name}' appears twice; give each key once");
            }
        }

        return result;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        string text = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole))
        {
            return JsonValue.Create(whole);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }
}

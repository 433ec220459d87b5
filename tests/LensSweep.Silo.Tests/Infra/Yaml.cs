using YamlDotNet.RepresentationModel;

namespace LensSweep.Silo.Tests.Infra;

/// <summary>Small accessors over YamlDotNet's representation model, failing with the path that was missing.</summary>
internal static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> LoadAll(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
            stream.Load(reader);
        return stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToList();
    }

    public static YamlMappingNode Load(string path) => Assert.Single(LoadAll(path));

    public static YamlNode? Get(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlNode At(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
            current = current.Get(key) ?? throw new Xunit.Sdk.XunitException($"missing '{key}' in path {string.Join('.', path)}");
        return current;
    }

    public static YamlMappingNode MapAt(this YamlNode node, params string[] path) => Assert.IsType<YamlMappingNode>(node.At(path));

    public static IEnumerable<YamlNode> SeqAt(this YamlNode node, params string[] path) => Assert.IsType<YamlSequenceNode>(node.At(path)).Children;

    public static string Text(this YamlNode node, params string[] path) => Assert.IsType<YamlScalarNode>(node.At(path)).Value ?? "";

    /// <summary>A mapping's scalar entries as a dictionary (labels, selectors, env maps).</summary>
    public static Dictionary<string, string> Pairs(this YamlMappingNode map) =>
        map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "");
}

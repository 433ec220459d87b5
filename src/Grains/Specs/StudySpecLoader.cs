using System.Text.Json;

namespace LensSweep.Grains.Specs;

/// <summary>The text formats a study spec may be written in.</summary>
public enum SpecSyntax
{
    Json,
    Yaml,
}

/// <summary>A loaded spec and everything wrong with it.</summary>
/// <param name="Spec">The spec, set exactly when <paramref name="Problems"/> is empty: nothing starts on a bad spec.</param>
/// <param name="Problems">Every problem found (syntax, unknown keys, types and <see cref="StudySpecValidator"/> rules).</param>
public sealed record StudySpecLoadResult(StudySpec? Spec, IReadOnlyList<SpecProblem> Problems)
{
    public bool IsValid => Spec is not null && Problems.Count == 0;
}

/// <summary>
/// Reads a study spec from JSON (comments and trailing commas allowed) or YAML, checks every key and
/// type, then runs <see cref="StudySpecValidator"/>: all problems come back together.
/// </summary>
public static class StudySpecLoader
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Loads a file; <c>.yaml</c>/<c>.yml</c> are read as YAML, anything else as JSON.</summary>
    public static StudySpecLoadResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Failed(new SpecProblem("$", path, $"cannot read the spec file: {e.Message}"));
        }

        string extension = Path.GetExtension(path);
        bool yaml = extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase);
        return Parse(text, yaml ? SpecSyntax.Yaml : SpecSyntax.Json);
    }

    /// <summary>Parses spec text.</summary>
    public static StudySpecLoadResult Parse(string text, SpecSyntax syntax = SpecSyntax.Json)
    {
        ArgumentNullException.ThrowIfNull(text);
        string json = text;
        if (syntax == SpecSyntax.Yaml)
        {
            var (converted, problem) = YamlSpec.ToJson(text);
            if (problem is not null)
            {
                return Failed(problem);
            }

            json = converted!;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
            return Failed(new SpecProblem("$", null, $"invalid JSON at line {line}, column {column}: {FirstSentence(e.Message)}"));
        }

        using (document)
        {
            var reader = new SpecReader();
            var spec = reader.Read(document.RootElement);
            var problems = reader.Problems.ToList();
            if (spec is not null)
            {
                // A field that could not be read keeps its default; rules about that field would only
                // repeat the reading problem, so they are left out.
                var unreadable = problems.Select(p => p.Field).ToHashSet();
                problems.AddRange(StudySpecValidator.Validate(spec).Where(p => !unreadable.Contains(p.Field)));
            }

            return problems.Count == 0 ? new StudySpecLoadResult(spec, []) : new StudySpecLoadResult(null, problems);
        }
    }

    private static StudySpecLoadResult Failed(SpecProblem problem) => new(null, [problem]);

    // System.Text.Json appends "LineNumber: … | BytePositionInLine: …" which the problem already says.
    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}

using LensSweep.Grains.Specs;

namespace LensSweep.Client.Commands;

/// <summary>Loads a study spec for a command, refusing with every problem listed so nothing starts on a bad spec.</summary>
internal static class SpecFiles
{
    public static StudySpec Load(string path)
    {
        if (Directory.Exists(path))
        {
            var specs = Directory.EnumerateFiles(path)
                .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".json" or ".yaml" or ".yml")
                .Select(Path.GetFileName)
                .Order(StringComparer.Ordinal)
                .ToList();
            const int Shown = 12;
            var listed = string.Join(", ", specs.Take(Shown)) + (specs.Count > Shown ? $" and {specs.Count - Shown} more" : "");
            throw new CliInputException(
                $"spec '{path}' is a directory, not a spec file",
                specs.Count > 0
                    ? $"Give one of the spec files in it, e.g. {Path.Combine(path, specs[0]!)} ({listed})."
                    : "Give a spec file (JSON or YAML); examples/quick.json is a complete spec to start from.");
        }

        if (!File.Exists(path))
        {
            throw new CliInputException(
                $"spec file '{path}' does not exist",
                "Check the path; examples/quick.json is a complete spec to start from.");
        }

        var loaded = StudySpecLoader.LoadFile(path);
        if (loaded.IsValid)
        {
            return loaded.Spec!;
        }

        var count = loaded.Problems.Count;
        throw new CliInputException(
            $"the spec '{path}' has {count} problem{(count == 1 ? string.Empty : "s")}; nothing was started:",
            "Fix them and run the command again; examples/quick.json shows every key in use.",
            loaded.Problems.Select(p => p.ToString()).ToList());
    }
}

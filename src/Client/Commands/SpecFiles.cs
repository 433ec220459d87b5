using LensSweep.Grains.Specs;

namespace LensSweep.Client.Commands;

/// <summary>Loads a study spec for a command, refusing with every problem listed so nothing starts on a bad spec.</summary>
internal static class SpecFiles
{
    public static StudySpec Load(string path)
    {
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

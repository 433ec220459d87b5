namespace LensSweep.EndToEnd.Tests.Support;

/// <summary>The repository checkout the tests run from, found by walking up to LensSweep.sln.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "LensSweep.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"LensSweep.sln not found in any parent of {AppContext.BaseDirectory}");
    }
}

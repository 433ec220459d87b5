namespace LensSweep.Models.Data;

/// <summary>
/// A dataset could not be read. The message names the file or folder and what is wrong with it, so a
/// bad file surfaces as one readable line instead of a crash deep in a reader or in TorchSharp.
/// </summary>
public sealed class DatasetException : Exception
{
    public DatasetException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        Path = path;
        Problem = problem;
        Files = [this];
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }

    /// <summary>Every file that could not be read, each with its own problem, by path; just this one unless <see cref="Of"/> joined several.</summary>
    public IReadOnlyList<DatasetException> Files { get; private init; } = [];

    /// <summary>
    /// One exception for the files a read could not use: the only one as it is, or several under one message
    /// naming how many and the first, with every one in <see cref="Files"/> (so a report can list them all).
    /// </summary>
    public static DatasetException Of(IReadOnlyCollection<DatasetException> failures)
    {
        ArgumentOutOfRangeException.ThrowIfZero(failures.Count);
        var ordered = failures.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        if (ordered.Count == 1)
        {
            return ordered[0];
        }

        var first = ordered[0];
        var folder = System.IO.Path.GetDirectoryName(first.Path) ?? first.Path;
        return new DatasetException(folder, $"{ordered.Count} files cannot be read, the first {first.Message}", first) { Files = ordered };
    }
}

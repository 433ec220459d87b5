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
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}

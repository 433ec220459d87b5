using System.CommandLine;
using Spectre.Console;

namespace LensSweep.Client.Terminal;

/// <summary>
/// Where a command writes: results to <see cref="Out"/>, problems to <see cref="Error"/>. Only a real terminal
/// gets colour and live redrawing; pipes, files and CI logs get plain text that stays readable line by line.
/// </summary>
public sealed class CliConsole
{
    /// <summary>Width for tables written to pipes and files, where there is no terminal to measure.</summary>
    private const int RedirectedWidth = 160;

    private readonly Lazy<IAnsiConsole> _ansi;

    public CliConsole(TextWriter output, TextWriter error, bool isInteractive)
    {
        Out = output;
        Error = error;
        IsInteractive = isInteractive;
        _ansi = new Lazy<IAnsiConsole>(CreateAnsi);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True when <see cref="Out"/> is the process's own stdout and that is a terminal.</summary>
    public bool IsInteractive { get; }

    /// <summary>Spectre.Console over <see cref="Out"/>, for tables and live views.</summary>
    public IAnsiConsole Ansi => _ansi.Value;

    public static CliConsole From(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        return new CliConsole(output, error, interactive);
    }

    /// <summary>Prints one problem line (prefixed so it is clear which program complained), its details, and what to do.</summary>
    public void WriteProblem(string problem, string remedy, IReadOnlyList<string>? details = null)
    {
        Error.WriteLine($"lenssweep: {problem}");
        foreach (var detail in details ?? [])
        {
            Error.WriteLine($"  - {detail}");
        }

        Error.WriteLine(remedy);
    }

    private IAnsiConsole CreateAnsi()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsInteractive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = IsInteractive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!IsInteractive)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}

using System.CommandLine;
using LensSweep.Client.Terminal;

namespace LensSweep.Client.Commands;

/// <summary>
/// Runs a command's body and turns the ways it can end into exit codes and one-line messages, so no
/// command prints a stack trace for a problem the user can fix.
/// </summary>
internal static class CommandAction
{
    /// <summary>Set to 1 to print the full exception for unexpected failures.</summary>
    public const string TraceVariable = "LENSSWEEP_TRACE";

    public static void Set(Command command, Func<ParseResult, CliConsole, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var console = CliConsole.From(parseResult);
            try
            {
                return await body(parseResult, console, cancellationToken);
            }
            catch (CliInputException e)
            {
                console.WriteProblem(e.Message, e.Remedy, e.Details);
                return ExitCodes.BadInput;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                console.Error.WriteLine("lenssweep: interrupted.");
                return ExitCodes.Failed;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Library messages can run to many lines (Orleans appends inner exceptions); the first says what broke.
                var firstLine = e.Message.Split('\n', 2)[0].Trim();
                console.WriteProblem(
                    $"{command.Name} failed: {firstLine}",
                    $"Set {TraceVariable}=1 to see where it failed.");
                if (Environment.GetEnvironmentVariable(TraceVariable) == "1")
                {
                    console.Error.WriteLine(e);
                }

                return ExitCodes.Failed;
            }
        });
}

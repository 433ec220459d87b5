using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace LensSweep.Client.Commands;

/// <summary>
/// Adds an "Examples:" section to every command's <c>--help</c>. System.CommandLine's help has no place
/// for examples, so this wraps its help action and appends them after the standard sections.
/// </summary>
internal sealed class HelpExamples
{
    private readonly Dictionary<Command, IReadOnlyList<string>> _examples = [];

    public T Add<T>(T command, params string[] examples)
        where T : Command
    {
        _examples[command] = examples;
        return command;
    }

    public IReadOnlyList<string> For(Command command) => _examples.GetValueOrDefault(command) ?? [];

    /// <summary>Replaces the root's help action (the help option is recursive, so this covers every subcommand).</summary>
    public void InstallOn(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!, this);
    }

    private sealed class ExamplesHelpAction(HelpAction inner, HelpExamples examples) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var result = inner.Invoke(parseResult);
            var lines = examples.For(parseResult.CommandResult.Command);
            if (lines.Count > 0)
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var line in lines)
                {
                    output.WriteLine($"  {line}");
                }

                output.WriteLine();
            }

            return result;
        }
    }
}

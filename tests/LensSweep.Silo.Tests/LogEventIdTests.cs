using System.Globalization;
using System.Reflection;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.Logging;

namespace LensSweep.Silo.Tests;

/// <summary>Every log message of the silo, the engine and the models has its own event id, so an operator's
/// log query by id finds one kind of line.</summary>
public sealed class LogEventIdTests
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(LensSweep.Silo.Hosting.SiloStartupLog).Assembly,
        typeof(LensSweep.Grains.Sweeps.SweepGrain).Assembly,
        typeof(LensSweep.Models.Data.DatasetLoader).Assembly,
    ];

    private static IEnumerable<(string Method, int Id)> Messages() =>
        from assembly in Assemblies
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select ($"{type.FullName}.{method.Name}", attribute.EventId);

    [Fact]
    public void Every_log_message_has_an_event_id_of_its_own()
    {
        var messages = Messages().ToList();

        Assert.True(messages.Count >= 40, $"only {messages.Count} log messages found: the reflection missed them");
        Assert.DoesNotContain(messages, m => m.Id <= 0);
        var shared = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice:\n" + string.Join("\n", shared));
    }

    [Fact]
    public void The_operators_table_of_event_ids_lists_exactly_the_ids_the_code_uses()
    {
        var documented = DocumentedIds().ToHashSet();
        var used = Messages().Select(m => m.Id).ToHashSet();

        Assert.True(documented.Count > 0, "infra/README.md has no 'Log event ids' table");
        Assert.True(used.SetEquals(documented),
            $"used but not in infra/README.md: {string.Join(", ", used.Except(documented).Order())}; listed but unused: {string.Join(", ", documented.Except(used).Order())}");
    }

    /// <summary>The first column of infra/README.md's "Log event ids" table: ids and ranges, as in "400–404, 406".</summary>
    private static IEnumerable<int> DocumentedIds()
    {
        var readme = File.ReadAllLines(Path.Combine(RepoRoot.Path, "infra", "README.md"));
        var rows = readme.SkipWhile(l => l != "## Log event ids").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && char.IsDigit(l[2]));
        foreach (var row in rows)
        {
            foreach (var part in row.Split('|')[1].Split(',', StringSplitOptions.TrimEntries))
            {
                var bounds = part.Split('–');
                var (from, to) = (int.Parse(bounds[0], CultureInfo.InvariantCulture), int.Parse(bounds[^1], CultureInfo.InvariantCulture));
                for (var id = from; id <= to; id++)
                {
                    yield return id;
                }
            }
        }
    }
}

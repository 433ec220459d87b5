using System.Reflection;
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
}

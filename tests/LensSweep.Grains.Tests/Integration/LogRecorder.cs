using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LensSweep.Grains.Tests.Integration;

/// <summary>One log entry of the engine's own categories.</summary>
internal sealed record LoggedEntry(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>Keeps every warning and error the engine logs (categories under <c>LensSweep</c>) on every silo of a test cluster.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    public ConcurrentQueue<LoggedEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("LensSweep", StringComparison.Ordinal) ? new Recorder(this, categoryName) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Entries.Enqueue(new LoggedEntry(category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}

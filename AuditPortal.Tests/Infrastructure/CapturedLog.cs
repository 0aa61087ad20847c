using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuditPortal.Tests.Infrastructure;

/// <summary>Keeps what the portal logs, so a test can check what an operator would read.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();

    public bool Contains(LogLevel level, string text) =>
        _lines.Any(l => l.Level == level && l.Text.Contains(text, StringComparison.OrdinalIgnoreCase));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log._lines.Enqueue((logLevel, formatter(state, exception)));
    }
}

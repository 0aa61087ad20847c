using AuditPortal.Configuration;
using Microsoft.Extensions.Options;

namespace AuditPortal.Ledger.Checkpoints;

/// <summary>
/// Issues checkpoints on the configured cadence: every Checkpoints:Interval, or sooner once
/// Checkpoints:MaxEntries entries have been appended since the last one, and only when the log grew.
/// A failed publication is logged and retried at the next interval; it is never counted as published.
/// </summary>
public sealed partial class Checkpointer(
    CheckpointPublisher publisher,
    CheckpointSignal signal,
    IOptions<PortalOptions> options,
    TimeProvider time,
    ILogger<Checkpointer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Checkpoints;
        long lastPublished = 0;
        // Due at once: a start-up pass writes anchors a crash or a failing directory left missing, and
        // reports (logs, /health/ready) an anchor directory that does not work before any traffic.
        var lastTime = time.GetUtcNow() - settings.Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var due = lastTime + settings.Interval - time.GetUtcNow();
            if (due > TimeSpan.Zero)
            {
                try { await signal.WaitAsync(due, stoppingToken); }
                catch (OperationCanceledException) { break; }
                var intervalElapsed = time.GetUtcNow() >= lastTime + settings.Interval;
                if (!intervalElapsed && signal.AppendedSize - lastPublished < settings.MaxEntries) continue;
            }
            try
            {
                lastPublished = await publisher.PublishAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(logger, e);
            }
            lastTime = time.GetUtcNow();
        }
        // A last checkpoint on shutdown, so a clean stop leaves everything anchored.
        try { await publisher.PublishAsync(CancellationToken.None); }
        catch (Exception e) { LogFailed(logger, e); }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing a checkpoint failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

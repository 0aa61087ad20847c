namespace AuditPortal.Features.Overview;

/// <summary>
/// Counts the overview's 30-day window once in the background after start-up, so the first person to
/// open the overview does not wait for it (seconds at a million events); later reads only catch up.
/// </summary>
public sealed partial class ActivityWarmUp(ActivityStatistics statistics, ILogger<ActivityWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await statistics.ReadAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The overview then counts on its first view instead.
            LogWarmUpFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the overview's activity in the background failed; the overview counts it on its first view")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}

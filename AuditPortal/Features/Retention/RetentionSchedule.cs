using AuditPortal.Configuration;
using Microsoft.Extensions.Options;

namespace AuditPortal.Features.Retention;

/// <summary>
/// Runs the enforcer every <c>AuditPortal:Retention:Interval</c> (default one hour), starting one
/// interval after start-up so that a restart loop cannot purge in a burst. Every instance runs it;
/// the append lock makes each batch happen once (see <see cref="RetentionEnforcer"/>).
/// </summary>
public sealed partial class RetentionSchedule(RetentionEnforcer enforcer, IOptions<PortalOptions> options, TimeProvider time,
    ILogger<RetentionSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Retention.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await enforcer.RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention enforcement failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

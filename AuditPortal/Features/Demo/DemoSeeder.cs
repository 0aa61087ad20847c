namespace AuditPortal.Features.Demo;

/// <summary>Development only: loads the demo data into an empty ledger on first run (AuditPortal:Demo:LoadOnFirstRun).</summary>
public sealed partial class DemoSeeder(DemoData demo, ILogger<DemoSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var loaded = await demo.SeedAsync(SeedDemoOptions.Default, stoppingToken, onlyIntoEmptyLedger: true);
            if (loaded > 0) LogLoaded(logger, loaded);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} demo events into the empty ledger (Development)")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the demo data failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

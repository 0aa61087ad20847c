using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;

namespace AuditPortal.Features.Ledger;

/// <summary>
/// The web host's SQLite WAL checkpoints, once a second, so that appends never pay for them
/// (its connections run with wal_autocheckpoint=0). Nothing to do on the other providers.
/// </summary>
public sealed partial class SqliteCheckpointService(LedgerLocation location, ILogger<SqliteCheckpointService> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (location.Provider != LedgerProvider.Sqlite) return;
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await CheckpointAsync(truncate: false, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await CheckpointAsync(truncate: true, CancellationToken.None);
    }

    private async Task CheckpointAsync(bool truncate, CancellationToken cancellationToken)
    {
        try
        {
            await SqliteWalCheckpoint.RunAsync(location.ConnectionString, truncate, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite WAL checkpoint failed; retrying in a second")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Ledger.Writing;

namespace AuditPortal.Ledger;

/// <summary>
/// The web host's SQLite WAL checkpoints, once a second, so that appends never pay for them (its
/// connections run with wal_autocheckpoint=0). SQLite starts the log over only when an append
/// begins after a checkpoint copied all of it, which never happens beside a writer that does not
/// pause: the log grew to 2.8 GB in a 40 s benchmark, and every append paid for extending the file.
/// So a first pass copies the bulk beside the writer, and a second, in a turn between two group
/// commits (<see cref="AppendGate"/>), copies the little that arrived meanwhile. Nothing to do on
/// the other providers.
/// </summary>
public sealed partial class SqliteCheckpointService(LedgerLocation location, AppendGate gate, ILogger<SqliteCheckpointService> logger)
    : BackgroundService
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

    internal async Task CheckpointAsync(bool truncate, CancellationToken cancellationToken)
    {
        try
        {
            if (truncate)
            {
                await SqliteWalCheckpoint.TruncateAsync(location.ConnectionString, cancellationToken);
                return;
            }
            await SqliteWalCheckpoint.PassiveAsync(location.ConnectionString, cancellationToken);
            using (await gate.EnterAsync(cancellationToken))
                await SqliteWalCheckpoint.PassiveAsync(location.ConnectionString, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite WAL checkpoint failed; retrying in a second")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

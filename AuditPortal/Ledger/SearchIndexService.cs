using AuditPortal.Data.Ledger;
using AuditPortal.Data.Search;
using AuditPortal.Ledger.Writing;
using AuditPortal.Reading;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Ledger;

/// <summary>
/// The web host's SQLite text search indexer (<see cref="SqliteSearchIndexer"/>): woken by the writer
/// after each group commit, and at least every few seconds for entries another instance or a CLI verb
/// appended, it indexes batch after batch until the index holds the whole log. Each batch takes a turn
/// between two group commits (<see cref="AppendGate"/>), so it never competes with the writer for
/// SQLite's write lock; the writer's batches keep arriving meanwhile and the indexer follows them in
/// larger batches. Text search stays complete while it lags: entries above its mark are walked
/// (EventQuery). Once the index is up to date it seals the full partitions not sealed yet
/// (<see cref="SqliteSearchIndexSealer"/>), one per turn: about a second of FTS5's check for each 65,536
/// entries, once, which <c>verify</c> then no longer repeats. Nothing to do on the other providers.
/// </summary>
public sealed partial class SearchIndexService(
    LedgerLocation location,
    IDbContextFactory<LedgerDbContext> factory,
    AppendGate gate,
    SearchIndexSignal signal,
    SigningKeyHolder keys,
    IntegrityAlerts alerts,
    ILogger<SearchIndexService> logger) : BackgroundService
{
    // A partition that fails its check at sealing is left for verify to name; checking it again every
    // few seconds would hold the write lock for nothing.
    private bool _sealingStopped;

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (location.Provider != LedgerProvider.Sqlite) return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await CatchUpAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                    await Task.Delay(RetryAfterFailure, stoppingToken);
                }
                await signal.WaitAsync(Poll, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        while (true)
        {
            int added;
            using (await gate.EnterAsync(cancellationToken))
                added = await SqliteSearchIndexer.IndexNextBatchAsync(db, cancellationToken: cancellationToken);
            if (added == 0) break;
        }
        // Asked without the gate: after most catch-ups there is nothing to seal, and the writer keeps its turn.
        while (!_sealingStopped && await SqliteSearchIndexSealer.NextToSealAsync(db, cancellationToken) is not null)
        {
            long? sealedPartition;
            try
            {
                using (await gate.EnterAsync(cancellationToken))
                    sealedPartition = await SqliteSearchIndexSealer.SealNextAsync(db, keys.Signer, cancellationToken);
            }
            catch (SearchIndexSealRefusedException e)
            {
                _sealingStopped = true;
                alerts.RaiseSearchIndexRefusal(e.Message);
                LogSealingStopped(logger, e.Message);
                return;
            }
            if (sealedPartition is null) return;
            LogSealed(logger, sealedPartition.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed text search partition {Partition}: verify checks it by its seal from now on")]
    private static partial void LogSealed(ILogger logger, long partition);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Integrity alert: {Problem} Sealing stops until the portal restarts.")]
    private static partial void LogSealingStopped(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing entries for text search failed; text search walks the entries above the index's mark meanwhile")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

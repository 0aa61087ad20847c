using AuditPortal.Data.Ledger;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Search;

/// <summary>
/// Brings the SQLite text search index up to the log (<see cref="SqliteSearchIndex"/>): each batch, in
/// one write transaction, hands the mark's partition the search text of the next entries above the
/// high-water mark and moves the mark past them. Entries are gapless and append-only, so the mark is
/// the one number that says what the index holds. Statements are fixed text but for partition numbers
/// and sizes (integers read from the state table); the mark and the batch size are parameters.
/// </summary>
public static class SqliteSearchIndexer
{
    /// <summary>
    /// Entries per transaction: large enough that FTS5 writes few segments (it pays per flushed segment),
    /// small enough that the write lock is back with the portal's writer within ~50 ms.
    /// </summary>
    public const int DefaultBatchSize = 2_000;

    /// <summary>
    /// Indexes the next batch above the mark, never past the end of the mark's partition: the partition's
    /// table is created when the mark enters it, and merged into one segment when the batch fills it.
    /// </summary>
    /// <returns>How many entries were added (0: the index is up to date).</returns>
    public static async Task<int> IndexNextBatchAsync(LedgerDbContext db, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        if (db.Provider != LedgerProvider.Sqlite) return 0;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            // BEGIN IMMEDIATE (the provider's default): the mark is read and moved under the write lock.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var mark = await ScalarAsync(connection, transaction, $"SELECT indexed_below FROM {SqliteSearchIndex.StateTable} WHERE id = 1", cancellationToken);
            var partitionSize = await ScalarAsync(connection, transaction, $"SELECT partition_size FROM {SqliteSearchIndex.StateTable} WHERE id = 1", cancellationToken);
            var partition = mark / partitionSize;
            var partitionEnd = (partition + 1) * partitionSize;
            var upTo = await ScalarAsync(connection, transaction,
                "SELECT COALESCE(MAX(sequence) + 1, $mark) FROM (SELECT sequence FROM ledger_entries WHERE sequence >= $mark AND sequence < $end ORDER BY sequence LIMIT $batch)",
                cancellationToken, ("$mark", mark), ("$end", partitionEnd), ("$batch", batchSize));
            if (upTo <= mark) return 0;
            if (await ScalarAsync(connection, transaction, $"SELECT count(*) FROM sqlite_master WHERE name = '{SqliteSearchIndex.Table(partition)}'", cancellationToken) == 0)
            {
                await SearchIndexStatements.ExecuteAsync(connection, transaction, SqliteSearchIndex.SourceViewDefinition(partition, partitionSize), cancellationToken);
                await SearchIndexStatements.ExecuteAsync(connection, transaction, SqliteSearchIndex.TableDefinition(partition), cancellationToken);
            }
            await SearchIndexStatements.ExecuteAsync(connection, transaction,
                $"INSERT INTO {SqliteSearchIndex.Table(partition)}(rowid, search_text) SELECT sequence, search_text FROM ledger_entries WHERE sequence >= $mark AND sequence < $upTo ORDER BY sequence",
                cancellationToken, ("$mark", mark), ("$upTo", upTo));
            await SearchIndexStatements.ExecuteAsync(connection, transaction, $"UPDATE {SqliteSearchIndex.StateTable} SET indexed_below = $upTo WHERE id = 1",
                cancellationToken, ("$upTo", upTo));
            if (upTo == partitionEnd) await SearchIndexStatements.ExecuteAsync(connection, transaction, SqliteSearchIndex.Optimize(partition), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (int)(upTo - mark);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Indexes batch after batch until the index holds every entry committed so far.</summary>
    /// <returns>How many entries were added.</returns>
    public static async Task<long> CatchUpAsync(LedgerDbContext db, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        long total = 0;
        for (int added; (added = await IndexNextBatchAsync(db, batchSize, cancellationToken)) > 0;) total += added;
        return total;
    }

    /// <summary>The mark: entries below it are in the index. Null where there is no SQLite search index.</summary>
    public static async Task<long?> IndexedBelowAsync(LedgerDbContext db, CancellationToken cancellationToken = default) =>
        (await SearchIndexLayout.ReadAsync(db, cancellationToken))?.IndexedBelow;

    /// <summary>An integer the state table must hold: a missing one means the index's state was removed.</summary>
    private static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql,
        CancellationToken cancellationToken, params (string Name, long Value)[] parameters) =>
        await SearchIndexStatements.ScalarAsync(connection, transaction, sql, cancellationToken, parameters)
            ?? throw new InvalidOperationException($"The text search index's mark ({SqliteSearchIndex.StateTable}) is missing; run `verify`.");
}

using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Verification;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Search;

/// <summary>
/// Checks that what the text search finds is derived from the signed envelopes, so that nobody can
/// hide an event from <c>q</c> (or make one turn up) without <c>verify</c> saying so. Each entry's
/// <c>search_text</c> is checked against its envelope with the other copy columns
/// (<see cref="EnvelopeSearchText"/>, in the entry stage); this stage checks what is derived from it on
/// SQLite (<see cref="SqliteSearchIndex"/>): the index and its source view are defined as the migration
/// made them, the high-water mark is not beyond the log, and FTS5's integrity check finds that the index
/// holds exactly the search text of the entries below the mark, row for row. PostgreSQL's trigram
/// index is maintained by the server from <c>search_text</c> itself; SQL Server has no search index
/// (docs/migrations.md). Statements are fixed text without input.
/// </summary>
public static class SearchIndexCheck
{
    /// <summary>
    /// Runs on a connection of its own, so that it can overlap the verifier's entry stream: FTS5's
    /// integrity check is a write statement to SQLite, which the stream's read snapshot could not
    /// upgrade to while the portal appends. In its own write transaction it waits for a turn of the
    /// write lock, and the mark, the index and the entries then stay as they are until it ends.
    /// </summary>
    public static Task<IReadOnlyList<VerificationFailure>> CheckAsync(LedgerDbContext db, CancellationToken cancellationToken = default) =>
        Start(db, cancellationToken);

    /// <summary>Starts the check on the thread pool; it uses <paramref name="db"/> only for its connection string, read here.</summary>
    public static Task<IReadOnlyList<VerificationFailure>> Start(LedgerDbContext db, CancellationToken cancellationToken)
    {
        if (db.Provider != LedgerProvider.Sqlite) return Task.FromResult<IReadOnlyList<VerificationFailure>>([]);
        var connectionString = db.Database.GetConnectionString() ?? throw new InvalidOperationException("The SQLite ledger has no connection string.");
        // A thread of its own, not the pool's: Microsoft.Data.Sqlite completes its "async" calls
        // synchronously, so the check blocks its thread for as long as it runs (seconds on a large
        // ledger), and on two cores the verifier's stages need the pool's few threads.
        return Task.Factory.StartNew(() => CheckSqliteAsync(connectionString, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private static async Task<IReadOnlyList<VerificationFailure>> CheckSqliteAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var own = LedgerDatabase.Open(LedgerProvider.Sqlite, connectionString);
        await own.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)own.Database.GetDbConnection();
        // BEGIN IMMEDIATE (the provider's default); rolled back: nothing is written.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var failures = new List<VerificationFailure>();
        if (await CheckDefinitionsAsync(connection, transaction, failures, cancellationToken)
            && await CheckMarkAsync(connection, transaction, failures, cancellationToken))
            await CheckIndexAsync(connection, transaction, failures, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        return failures;
    }

    /// <summary>A view that left an entry out would make an index missing that entry look complete.</summary>
    private static async Task<bool> CheckDefinitionsAsync(SqliteConnection connection, SqliteTransaction transaction, List<VerificationFailure> failures,
        CancellationToken cancellationToken)
    {
        var stored = new Dictionary<string, string?>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT name, sql FROM sqlite_master WHERE name IN ('{SqliteSearchIndex.Table}', '{SqliteSearchIndex.SourceView}', '{SqliteSearchIndex.StateTable}')";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) stored[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }
        foreach (var (name, definition) in new[]
                 {
                     (SqliteSearchIndex.Table, SqliteSearchIndex.TableDefinition),
                     (SqliteSearchIndex.SourceView, SqliteSearchIndex.SourceViewDefinition),
                     (SqliteSearchIndex.StateTable, SqliteSearchIndex.StateTableDefinition),
                 })
        {
            if (!stored.TryGetValue(name, out var actual))
                failures.Add(new VerificationFailure(FailureKind.SearchIndex, $"the text search index's {name} is missing"));
            else if (definition is not null && actual != definition)
                failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                    $"the text search index's {name} is redefined (\"{actual}\"); the migration defines it as \"{definition}\""));
        }
        return failures.Count == 0;
    }

    private static async Task<bool> CheckMarkAsync(SqliteConnection connection, SqliteTransaction transaction, List<VerificationFailure> failures,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT (SELECT indexed_below FROM {SqliteSearchIndex.StateTable} WHERE id = 1), (SELECT COALESCE(MAX(sequence) + 1, 0) FROM ledger_entries)";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.IsDBNull(0) || reader.GetFieldType(0) != typeof(long))
        {
            failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                $"the text search index's high-water mark ({SqliteSearchIndex.StateTable}.indexed_below) is missing or not a number"));
            return false;
        }
        var (mark, size) = (reader.GetInt64(0), reader.GetInt64(1));
        if (mark <= size) return true;
        // Entries appended between the end of the log and the mark would never be indexed, nor walked
        // by a text search: hidden from q. No position: a truncated log explains it, and is named first.
        failures.Add(new VerificationFailure(FailureKind.SearchIndex,
            $"the text search index's high-water mark ({SqliteSearchIndex.StateTable}.indexed_below = {mark}) is beyond the log's {size} entries (mark edited, or the log truncated)"));
        return false;
    }

    private static async Task CheckIndexAsync(SqliteConnection connection, SqliteTransaction transaction, List<VerificationFailure> failures,
        CancellationToken cancellationToken)
    {
        await using var check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = SqliteSearchIndex.IntegrityCheck;
        try
        {
            await check.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 11 /* SQLITE_CORRUPT, incl. SQLITE_CORRUPT_VTAB */)
        {
            failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                $"the text search index ({SqliteSearchIndex.Table}) does not hold exactly the search text of the entries below its high-water mark (index edited, or the mark moved)"));
        }
    }
}

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
/// SQLite (<see cref="SqliteSearchIndex"/>): the state table is defined as the migration made it, the
/// high-water mark is not beyond the log, and every partition below the mark is defined as the indexer
/// made it and, by FTS5's integrity check, holds exactly the search text of its entries, row for row.
/// PostgreSQL's trigram index is maintained by the server from <c>search_text</c> itself; SQL Server
/// has no search index (docs/migrations.md). Statements are fixed text but for partition numbers and
/// sizes, which are integers.
/// </summary>
public static class SearchIndexCheck
{
    /// <summary>
    /// Runs on a connection of its own, so that it can overlap the verifier's entry stream: FTS5's
    /// integrity check is a write statement to SQLite, which the stream's read snapshot could not
    /// upgrade to while the portal appends. Each partition is checked in a write transaction of its own,
    /// which waits for a turn of the write lock and holds it only for that partition (about a second for
    /// a full one), so the portal's appends get turns in between.
    /// </summary>
    /// <summary>
    /// The pause between two partitions' checks. SQLite queues no one for its write lock: a writer that
    /// found it taken sleeps in its busy handler and tries again every 100 ms at most, so a check that
    /// started the next partition at once would win every time and the portal's appends would wait
    /// for the whole index after all (measured: 4.7 s at 200,000 entries, as with one table).
    /// </summary>
    private static readonly TimeSpan WritersTurn = TimeSpan.FromMilliseconds(120);

    /// <summary>Every partition checked by FTS5, seals ignored.</summary>
    public static async Task<IReadOnlyList<VerificationFailure>> CheckAsync(LedgerDbContext db, CancellationToken cancellationToken = default) =>
        (await Start(db, null, cancellationToken)).Failures;

    /// <summary>
    /// What the check found, and for each sealed partition whose seal and FTS5 tables verified, the text
    /// hash its seal names: the caller compares it with the hash of the search text it checked against
    /// the envelopes (the entry stream), which is what ties the seal to them.
    /// </summary>
    public sealed record Result(IReadOnlyList<VerificationFailure> Failures, IReadOnlyDictionary<long, byte[]> SealedTextHashes);

    /// <summary>Says what is wrong with a seal's signature (an untrusted key, a signature that does not verify), or null when it verifies.</summary>
    public delegate string? SealSignatureCheck(SearchIndexSealStatement statement, uint keyId, byte[] signature);

    /// <summary>Starts the check on the thread pool; it uses <paramref name="db"/> only for its connection string, read here.</summary>
    /// <param name="seals">Checks a partition's seal signature; null: seals are ignored and every partition is checked by FTS5.</param>
    public static Task<Result> Start(LedgerDbContext db, SealSignatureCheck? seals, CancellationToken cancellationToken)
    {
        if (db.Provider != LedgerProvider.Sqlite) return Task.FromResult(new Result([], new Dictionary<long, byte[]>()));
        var connectionString = db.Database.GetConnectionString() ?? throw new InvalidOperationException("The SQLite ledger has no connection string.");
        // A thread of its own, not the pool's: Microsoft.Data.Sqlite completes its "async" calls
        // synchronously, so the check blocks its thread for as long as it runs (seconds on a large
        // ledger), and on two cores the verifier's stages need the pool's few threads.
        return Task.Factory.StartNew(() => CheckSqliteAsync(connectionString, seals, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private static async Task<Result> CheckSqliteAsync(string connectionString, SealSignatureCheck? sealCheck, CancellationToken cancellationToken)
    {
        await using var own = LedgerDatabase.Open(LedgerProvider.Sqlite, connectionString);
        await own.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)own.Database.GetDbConnection();
        var failures = new List<VerificationFailure>();
        var sealedTextHashes = new Dictionary<long, byte[]>();
        SearchIndexLayout? layout;
        Dictionary<long, SealRow> seals = [];
        // A read transaction: one snapshot of the state and seal tables' definitions, the mark, the log's size and the seals.
        await using (var transaction = connection.BeginTransaction(deferred: true))
        {
            layout = await CheckDefinitionsAsync(connection, transaction,
                    [(SqliteSearchIndex.StateTable, SqliteSearchIndex.StateTableDefinition), (SqliteSearchIndex.SealsTable, SqliteSearchIndex.SealsTableDefinition)],
                    failures, cancellationToken)
                ? await CheckMarkAsync(connection, transaction, failures, cancellationToken)
                : null;
            if (layout is not null && sealCheck is not null) seals = await ReadSealsAsync(connection, transaction, cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
        }
        if (layout is null) return new Result(failures, sealedTextHashes);
        var tookWriteLock = false;
        for (var partition = 0L; partition < layout.Partitions; partition++)
        {
            // A full partition never changes again: with a seal it is checked by the seal, in a read transaction.
            if ((partition + 1) * layout.PartitionSize <= layout.IndexedBelow && seals.TryGetValue(partition, out var seal))
            {
                if (await CheckSealedPartitionAsync(connection, partition, layout.PartitionSize, seal, sealCheck!, failures, cancellationToken))
                    sealedTextHashes[partition] = seal.TextHash;
                continue;
            }
            if (tookWriteLock) await Task.Delay(WritersTurn, cancellationToken);
            tookWriteLock = true;
            // BEGIN IMMEDIATE (the provider's default); rolled back: nothing is written. The partition's
            // view reads the mark as it is now; a mark the indexer moved since is checked as it stands.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            if (await CheckDefinitionsAsync(connection, transaction,
                    [(SqliteSearchIndex.Table(partition), SqliteSearchIndex.TableDefinition(partition)),
                     (SqliteSearchIndex.SourceView(partition), SqliteSearchIndex.SourceViewDefinition(partition, layout.PartitionSize))],
                    failures, cancellationToken))
                await CheckPartitionAsync(connection, transaction, partition, layout.PartitionSize, failures, cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
        }
        return new Result(failures, sealedTextHashes);
    }

    private sealed record SealRow(byte[] TextHash, byte[] IndexHash, uint KeyId, byte[] Signature);

    private static async Task<Dictionary<long, SealRow>> ReadSealsAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var seals = new Dictionary<long, SealRow>();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT partition, text_hash, index_hash, key_id, signature FROM {SqliteSearchIndex.SealsTable}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // A value of another type is not a seal; the partition is then checked by FTS5.
            if (reader.GetFieldType(1) != typeof(byte[]) || reader.GetFieldType(2) != typeof(byte[]) || reader.GetFieldType(3) != typeof(long)
                || reader.GetFieldType(4) != typeof(byte[]) || reader.GetInt64(3) is < 0 or > uint.MaxValue) continue;
            seals[reader.GetInt64(0)] = new SealRow((byte[])reader.GetValue(1), (byte[])reader.GetValue(2), (uint)reader.GetInt64(3), (byte[])reader.GetValue(4));
        }
        return seals;
    }

    /// <summary>
    /// A sealed partition: its definitions, the seal's signature over this partition's range and the two
    /// hashes, and the hash of its FTS5 tables recomputed now. The text hash is the caller's to compare
    /// (<see cref="Result"/>). A read transaction: no write lock, no re-tokenising.
    /// </summary>
    /// <returns>Whether the seal and the tables verified, so that the seal's text hash is left to compare.</returns>
    private static async Task<bool> CheckSealedPartitionAsync(SqliteConnection connection, long partition, long partitionSize, SealRow seal,
        SealSignatureCheck sealCheck, List<VerificationFailure> failures, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: true);
        if (!await CheckDefinitionsAsync(connection, transaction,
                [(SqliteSearchIndex.Table(partition), SqliteSearchIndex.TableDefinition(partition)),
                 (SqliteSearchIndex.SourceView(partition), SqliteSearchIndex.SourceViewDefinition(partition, partitionSize)),
                 .. SqliteSearchIndex.ShadowTables(partition)],
                failures, cancellationToken))
            return false;
        var name = $"the text search index's partition {partition} ({SqliteSearchIndex.Table(partition)}, sequences {partition * partitionSize} to {(partition + 1) * partitionSize - 1})";
        var statement = new SearchIndexSealStatement("", partition, partition * partitionSize, (partition + 1) * partitionSize, seal.TextHash, seal.IndexHash);
        if (sealCheck(statement, seal.KeyId, seal.Signature) is { } problem)
        {
            failures.Add(new VerificationFailure(FailureKind.SearchIndex, $"{name}: its seal ({SqliteSearchIndex.SealsTable}) {problem}"));
            return false;
        }
        var intact = (await SearchIndexHashes.IndexHashAsync(connection, transaction, partition, cancellationToken)).AsSpan().SequenceEqual(seal.IndexHash);
        if (!intact)
            failures.Add(new VerificationFailure(FailureKind.SearchIndex, $"{name}: its FTS5 tables are not what the portal sealed (index edited after the seal)"));
        await transaction.RollbackAsync(cancellationToken);
        return intact;
    }

    /// <summary>The failure for a sealed partition whose entries' search text (as the entry stream checked it) is not what its seal names.</summary>
    public static VerificationFailure TextNotSealed(long partition, long partitionSize) => new(FailureKind.SearchIndex,
        $"the text search index's partition {partition} ({SqliteSearchIndex.Table(partition)}, sequences {partition * partitionSize} to {(partition + 1) * partitionSize - 1}): " +
        "its entries' search text is not the text the partition was sealed with (search text edited before the seal, and put back since?)");

    /// <summary>A view that left an entry out would make an index missing that entry look complete.</summary>
    private static async Task<bool> CheckDefinitionsAsync(SqliteConnection connection, SqliteTransaction transaction,
        IReadOnlyList<(string Name, string Definition)> expected, List<VerificationFailure> failures, CancellationToken cancellationToken)
    {
        var found = true;
        foreach (var (name, definition) in expected)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT sql FROM sqlite_master WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            var actual = await command.ExecuteScalarAsync(cancellationToken);
            if (actual is null)
                failures.Add(new VerificationFailure(FailureKind.SearchIndex, $"the text search index's {name} is missing"));
            else if (actual as string != definition)
                failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                    $"the text search index's {name} is redefined (\"{actual}\"); the migration defines it as \"{definition}\""));
            else continue;
            found = false;
        }
        return found;
    }

    private static async Task<SearchIndexLayout?> CheckMarkAsync(SqliteConnection connection, SqliteTransaction transaction, List<VerificationFailure> failures,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT indexed_below, partition_size, (SELECT COALESCE(MAX(sequence) + 1, 0) FROM ledger_entries) FROM {SqliteSearchIndex.StateTable} WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0) || reader.GetFieldType(0) != typeof(long) || reader.GetFieldType(1) != typeof(long))
        {
            failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                $"the text search index's high-water mark ({SqliteSearchIndex.StateTable}.indexed_below) is missing or not a number"));
            return null;
        }
        var (mark, partitionSize, size) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        if (mark <= size) return new SearchIndexLayout { IndexedBelow = mark, PartitionSize = partitionSize };
        // Entries appended between the end of the log and the mark would never be indexed, nor walked
        // by a text search: hidden from q. No position: a truncated log explains it, and is named first.
        failures.Add(new VerificationFailure(FailureKind.SearchIndex,
            $"the text search index's high-water mark ({SqliteSearchIndex.StateTable}.indexed_below = {mark}) is beyond the log's {size} entries (mark edited, or the log truncated)"));
        return null;
    }

    private static async Task CheckPartitionAsync(SqliteConnection connection, SqliteTransaction transaction, long partition, long partitionSize,
        List<VerificationFailure> failures, CancellationToken cancellationToken)
    {
        await using var check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = SqliteSearchIndex.IntegrityCheck(partition);
        try
        {
            await check.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 11 /* SQLITE_CORRUPT, incl. SQLITE_CORRUPT_VTAB */)
        {
            failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                $"the text search index's partition {partition} ({SqliteSearchIndex.Table(partition)}, sequences {partition * partitionSize} to {(partition + 1) * partitionSize - 1}) " +
                "does not hold exactly the search text of its entries below the high-water mark (index edited, or the mark moved)"));
        }
    }
}

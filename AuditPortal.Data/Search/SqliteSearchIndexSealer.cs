using AuditPortal.Data.Ledger;
using AuditPortal.Data.Signing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Search;

/// <summary>
/// Seals full text search partitions (<see cref="SqliteSearchIndex"/>): a partition whose every
/// sequence is below the mark is never written again, so the portal checks it once, with FTS5's own
/// integrity check against its entries' search text, and signs what it checked: the hash of that text
/// and the hash of the partition's FTS5 tables (<see cref="SearchIndexSealStatement"/>). <c>verify</c>
/// then checks a sealed partition by the signature and the two hashes, without re-tokenising it and
/// without the write lock (<see cref="SearchIndexCheck"/>). The check, the hashes and the seal share one
/// write transaction, so nothing changes between them.
/// </summary>
public static class SqliteSearchIndexSealer
{
    private const string NextToSealSql =
        $"""
         WITH RECURSIVE full(k) AS (SELECT 0 WHERE (SELECT indexed_below / partition_size FROM {SqliteSearchIndex.StateTable} WHERE id = 1) > 0
             UNION ALL SELECT k + 1 FROM full WHERE k + 1 < (SELECT indexed_below / partition_size FROM {SqliteSearchIndex.StateTable} WHERE id = 1))
         SELECT min(k) FROM full WHERE k NOT IN (SELECT partition FROM {SqliteSearchIndex.SealsTable})
         """;

    /// <summary>
    /// The first full partition without a seal, or null: a read without the write lock, so that the
    /// portal asks after every catch-up without taking a turn from the writer when there is nothing to seal.
    /// </summary>
    public static async Task<long?> NextToSealAsync(LedgerDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Provider != LedgerProvider.Sqlite) return null;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = NextToSealSql;
            return await command.ExecuteScalarAsync(cancellationToken) as long?;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Seals the first full partition that has no seal yet. Takes the write lock to find out; a caller on
    /// a hot path asks <see cref="NextToSealAsync"/> first.
    /// </summary>
    /// <returns>The partition sealed, or null when every full partition is sealed.</returns>
    /// <exception cref="SearchIndexSealRefusedException">The partition does not hold exactly its entries' search text: it is not sealed.</exception>
    public static async Task<long?> SealNextAsync(LedgerDbContext db, NoteSigner signer, CancellationToken cancellationToken = default)
    {
        if (db.Provider != LedgerProvider.Sqlite) return null;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            // BEGIN IMMEDIATE (the provider's default): the check and the hashes see what the seal says.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var partition = await SearchIndexStatements.ScalarAsync(connection, transaction, NextToSealSql, cancellationToken);
            if (partition is not { } k) return null;
            var partitionSize = await SearchIndexStatements.ScalarAsync(connection, transaction, $"SELECT partition_size FROM {SqliteSearchIndex.StateTable} WHERE id = 1", cancellationToken)
                ?? throw new InvalidOperationException($"The text search index's state ({SqliteSearchIndex.StateTable}) is missing; run `verify`.");
            try
            {
                await SearchIndexStatements.ExecuteAsync(connection, transaction, SqliteSearchIndex.IntegrityCheck(k), cancellationToken);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 11 /* SQLITE_CORRUPT, incl. SQLITE_CORRUPT_VTAB */)
            {
                throw new SearchIndexSealRefusedException(
                    $"The text search index's partition {k} ({SqliteSearchIndex.Table(k)}) does not hold exactly its entries' search text, so it was not sealed; run `verify`.", e);
            }
            var statement = new SearchIndexSealStatement(signer.Name, k, k * partitionSize, (k + 1) * partitionSize,
                await SearchIndexHashes.TextHashAsync(connection, transaction, k, cancellationToken),
                await SearchIndexHashes.IndexHashAsync(connection, transaction, k, cancellationToken));
            await using (var insert = SearchIndexStatements.Command(connection, transaction, $"INSERT INTO {SqliteSearchIndex.SealsTable} (partition, text_hash, index_hash, key_id, signature) VALUES ($partition, $text, $index, $key, $signature)"))
            {
                insert.Parameters.AddWithValue("$partition", k);
                insert.Parameters.AddWithValue("$text", statement.TextHash);
                insert.Parameters.AddWithValue("$index", statement.IndexHash);
                insert.Parameters.AddWithValue("$key", (long)signer.KeyId);
                insert.Parameters.AddWithValue("$signature", signer.Sign(statement.ToBytes()));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return k;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Seals every full partition that has no seal yet.</summary>
    /// <returns>How many partitions were sealed.</returns>
    public static async Task<int> SealAllAsync(LedgerDbContext db, NoteSigner signer, CancellationToken cancellationToken = default)
    {
        var sealedCount = 0;
        while (await SealNextAsync(db, signer, cancellationToken) is not null) sealedCount++;
        return sealedCount;
    }
}

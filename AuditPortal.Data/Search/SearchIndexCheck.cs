using System.Data.Common;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using AuditPortal.Data.Verification;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Search;

/// <summary>
/// Checks that what the text search finds is derived from the signed envelopes, so that nobody can
/// hide an event from <c>q</c> (or make one turn up) without <c>verify</c> saying so. Two layers:
/// each entry's <c>search_text</c> must be the text its envelope gives
/// (<see cref="Envelope.SearchText(ReadOnlySpan{byte})"/>), and on SQLite the FTS5 index must hold
/// exactly that text's tokens, row for row, with its insert trigger in place. PostgreSQL's trigram
/// index is maintained by the server from <c>search_text</c> itself; SQL Server has no search index
/// (docs/migrations.md). Statements are fixed text without input.
/// </summary>
public static class SearchIndexCheck
{
    public static async Task<IReadOnlyList<VerificationFailure>> CheckAsync(LedgerDbContext db, CancellationToken cancellationToken = default)
    {
        var failures = new List<VerificationFailure>();
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();

        await CheckSearchTextAsync(connection, failures, cancellationToken);
        if (db.Provider == LedgerProvider.Sqlite) await CheckSqliteIndexAsync((SqliteConnection)connection, failures, cancellationToken);
        return failures;
    }

    /// <summary>The verifier's last stage, separate from the chain: the result with this check's failures added.</summary>
    public static async Task<VerificationResult> AddToAsync(VerificationResult result, LedgerDbContext db, CancellationToken cancellationToken)
    {
        var failures = await CheckAsync(db, cancellationToken);
        return failures.Count == 0 ? result : result with { Failures = [.. result.Failures, .. failures] };
    }

    private static async Task CheckSearchTextAsync(DbConnection connection, List<VerificationFailure> failures, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, envelope, search_text FROM ledger_entries ORDER BY sequence";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long? first = null;
        var mismatches = 0L;
        while (await reader.ReadAsync(cancellationToken))
        {
            var sequence = reader.GetInt64(0);
            var stored = reader.GetString(2);
            string? derived;
            try { derived = Envelope.SearchText((byte[])reader.GetValue(1)); }
            catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException) { derived = null; }
            // An unreadable envelope is the chain check's finding; here only text that disagrees counts.
            if (derived is null || derived == stored || SameValuesInAnotherOrder(stored, derived)) continue;
            first ??= sequence;
            mismatches++;
        }
        if (first is { } s)
            failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                $"the stored search text is not the text its envelope gives (search index edited; {mismatches} entries in all)", s));
    }

    /// <summary>
    /// Entries written before search text followed canonical order hold the same values in the order
    /// the client sent its fields. Accepted when nothing was cut at the column width; the values
    /// themselves must still be exactly the envelope's.
    /// </summary>
    private static bool SameValuesInAnotherOrder(string stored, string derived)
    {
        if (stored.Length != derived.Length || derived.Length >= Envelope.MaxSearchText) return false;
        var a = stored.Split('\n');
        var b = derived.Split('\n');
        Array.Sort(a, StringComparer.Ordinal);
        Array.Sort(b, StringComparer.Ordinal);
        return a.AsSpan().SequenceEqual(b);
    }

    private static async Task CheckSqliteIndexAsync(SqliteConnection connection, List<VerificationFailure> failures, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name = 'ledger_search') OR (type = 'trigger' AND name = 'ledger_entries_search_insert')";
        if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! != 2)
        {
            failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                $"the text search index ({SqliteSearchIndex.Table}) or its insert trigger ({SqliteSearchIndex.InsertTrigger}) is missing"));
            return;
        }
        await using var check = connection.CreateCommand();
        check.CommandText = SqliteSearchIndex.IntegrityCheck;
        try
        {
            await check.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 11 /* SQLITE_CORRUPT, incl. SQLITE_CORRUPT_VTAB */)
        {
            failures.Add(new VerificationFailure(FailureKind.SearchIndex,
                $"the text search index ({SqliteSearchIndex.Table}) does not hold exactly the entries' search text (index edited)"));
        }
    }
}

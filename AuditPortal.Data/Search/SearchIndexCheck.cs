using System.Data.Common;
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
/// (<see cref="EnvelopeSearchText"/>, in the entry stage); this stage checks what is derived from it:
/// on SQLite the FTS5 index must hold exactly that text's tokens, row for row, with its insert trigger
/// in place. PostgreSQL's trigram
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

        if (db.Provider == LedgerProvider.Sqlite) await CheckSqliteIndexAsync((SqliteConnection)connection, failures, cancellationToken);
        return failures;
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

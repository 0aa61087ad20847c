using System.Data;
using System.Data.Common;
using System.Text.RegularExpressions;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace AuditPortal.Data.Verification;

/// <summary>
/// More PostgreSQL connections that read the verifier's snapshot, so that several server backends
/// work on one run at once (a single connection left the server idle while the verifier handled what
/// it had read, and the verifier idle while the server produced the next rows). The run's transaction
/// exports its snapshot (<c>pg_export_snapshot</c>); each sibling's read-only repeatable-read
/// transaction imports it before its first query, and so sees exactly the state the run sees.
/// A sibling that cannot be opened (a connection limit, a pooler that refuses) is simply not used.
/// Other providers have none: SQLite reads in-process, and SQL Server has no snapshot to share.
/// </summary>
internal sealed partial class SnapshotSiblings : IAsyncDisposable
{
    private readonly List<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> _open = [];

    private SnapshotSiblings()
    {
    }

    public IEnumerable<(DbConnection Connection, DbTransaction Transaction)> Connections =>
        _open.Select(s => ((DbConnection)s.Connection, (DbTransaction)s.Transaction));

    /// <param name="db">Inside its <see cref="LedgerSnapshot"/>, whose transaction exports the snapshot.</param>
    /// <param name="count">How many siblings to open at most.</param>
    public static async Task<SnapshotSiblings> OpenAsync(LedgerDbContext db, int count, CancellationToken cancellationToken)
    {
        var siblings = new SnapshotSiblings();
        if (count <= 0 || db.Provider != LedgerProvider.Postgres
            || db.Database.GetDbConnection() is not NpgsqlConnection connection
            || db.Database.CurrentTransaction?.GetDbTransaction() is not NpgsqlTransaction transaction)
            return siblings;

        string snapshot;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction))
            snapshot = (string?)await export.ExecuteScalarAsync(cancellationToken) ?? "";
        // SET TRANSACTION SNAPSHOT takes no parameter: the id is checked to be what PostgreSQL makes (hex groups).
        if (!SnapshotId().IsMatch(snapshot)) throw new InvalidOperationException($"PostgreSQL exported an unexpected snapshot id \"{snapshot}\".");

        try
        {
            for (var i = 0; i < count; i++)
            {
                // Clone: the same settings and credentials, even where the connection string no longer shows the password.
                var sibling = (NpgsqlConnection)((ICloneable)connection).Clone();
                NpgsqlTransaction? siblingTransaction = null;
                try
                {
                    await sibling.OpenAsync(cancellationToken);
                    siblingTransaction = await sibling.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                    await using var import = new NpgsqlCommand($"SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT '{snapshot}'", sibling, siblingTransaction);
                    await import.ExecuteNonQueryAsync(cancellationToken);
                    siblings._open.Add((sibling, siblingTransaction));
                }
                catch (Exception e)
                {
                    if (siblingTransaction is not null) await siblingTransaction.DisposeAsync();
                    await sibling.DisposeAsync();
                    if (e is not NpgsqlException) throw;
                    break;
                }
            }
        }
        catch
        {
            await siblings.DisposeAsync();
            throw;
        }
        return siblings;
    }

    public async ValueTask DisposeAsync()
    {
        // Nothing was written: disposing rolls each transaction back and releases the connection.
        foreach (var (connection, transaction) in _open)
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
        _open.Clear();
    }

    [GeneratedRegex("^[0-9A-F]+(-[0-9A-F]+)+$")]
    private static partial Regex SnapshotId();
}

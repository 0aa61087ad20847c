using System.Data;
using AuditPortal.Data.Ledger;
using AuditPortal.Data.Ledger.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuditPortal.Data.Verification;

/// <summary>
/// One read-only transaction for a whole verification run, so that entries, tree nodes, seals and
/// checkpoints all come from one state of the ledger while the portal keeps appending: read in
/// separate statements, a seal or node committed between two of them looks like a truncated tail or
/// a stray node. Neither kind blocks a writer.
/// </summary>
internal sealed class LedgerSnapshot : IAsyncDisposable
{
    private readonly IDbContextTransaction? _transaction;
    private readonly IDisposable? _ownedTransaction;

    private LedgerSnapshot(IDbContextTransaction? transaction, IDisposable? ownedTransaction)
    {
        _transaction = transaction;
        _ownedTransaction = ownedTransaction;
    }

    public static async Task<LedgerSnapshot> BeginAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        switch (db.Provider)
        {
            case LedgerProvider.Sqlite:
            {
                await db.Database.OpenConnectionAsync(cancellationToken);
                // Deferred: under WAL, a read transaction that pins the snapshot of its first read and
                // takes no write lock (Microsoft.Data.Sqlite's default is BEGIN IMMEDIATE, which would).
                var sqlite = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
                var used = await db.Database.UseTransactionAsync(sqlite, cancellationToken);
                return new LedgerSnapshot(used, sqlite);
            }
            case LedgerProvider.Postgres:
            {
                var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                // Must come before the transaction's first query.
                await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY", cancellationToken);
                return new LedgerSnapshot(transaction, null);
            }
            default:
                // SQL Server would need SNAPSHOT isolation enabled on the database, which the migrations
                // do not do yet; without it the run reads committed data statement by statement.
                return new LedgerSnapshot(null, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Nothing was written: ending the transaction either way releases the snapshot.
        if (_transaction is not null) await _transaction.DisposeAsync();
        _ownedTransaction?.Dispose();
    }
}

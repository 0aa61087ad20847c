using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AuditPortal.Data.Ledger.Providers;

public sealed class SqliteLedgerDbContext(DbContextOptions<SqliteLedgerDbContext> options) : LedgerDbContext(options)
{
    public override LedgerProvider Provider => LedgerProvider.Sqlite;

    /// <summary>
    /// SQLite allows one writer per file: BEGIN IMMEDIATE takes the reserved lock before the first
    /// read, so the tree size read inside the transaction cannot change under us, even across processes.
    /// </summary>
    public override async Task<IDbContextTransaction> BeginAppendTransactionAsync(CancellationToken cancellationToken)
    {
        await Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)Database.GetDbConnection();
        var transaction = connection.BeginTransaction(deferred: false);
        return await Database.UseTransactionAsync(transaction, cancellationToken)
            ?? throw new InvalidOperationException("EF Core did not adopt the SQLite transaction.");
    }

    protected override Task AcquireAppendLockAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

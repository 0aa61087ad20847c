using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Ledger.Providers;

public sealed class SqlServerLedgerDbContext(DbContextOptions<SqlServerLedgerDbContext> options) : LedgerDbContext(options)
{
    public override LedgerProvider Provider => LedgerProvider.SqlServer;

    protected override async Task AcquireAppendLockAsync(CancellationToken cancellationToken)
    {
        // sp_getapplock returns < 0 on timeout or deadlock instead of raising, so check the result.
        var result = await Database.SqlQuery<int>($"""
            DECLARE @result int;
            EXEC @result = sp_getapplock @Resource = N'auditportal-ledger-append', @LockMode = N'Exclusive',
                 @LockOwner = N'Transaction', @LockTimeout = 30000;
            SELECT @result AS [Value];
            """).ToListAsync(cancellationToken);
        if (result.Count != 1 || result[0] < 0)
            throw new TimeoutException($"Could not take the ledger append lock (sp_getapplock returned {string.Join(",", result)}).");
    }
}

using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Ledger.Providers;

public sealed class PostgresLedgerDbContext(DbContextOptions<PostgresLedgerDbContext> options) : LedgerDbContext(options)
{
    /// <summary>Advisory lock key for appends ("APLEDGER" read as a 64-bit integer).</summary>
    private const long AppendLockKey = 0x41504C4544474552;

    public override LedgerProvider Provider => LedgerProvider.Postgres;

    protected override Task AcquireAppendLockAsync(CancellationToken cancellationToken) =>
        Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AppendLockKey})", cancellationToken);
}

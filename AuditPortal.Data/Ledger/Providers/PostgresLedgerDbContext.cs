using AuditPortal.Data.Ledger.Model;
using Microsoft.EntityFrameworkCore;

namespace AuditPortal.Data.Ledger.Providers;

public sealed class PostgresLedgerDbContext(DbContextOptions<PostgresLedgerDbContext> options) : LedgerDbContext(options)
{
    /// <summary>Advisory lock key for appends ("APLEDGER" read as a 64-bit integer).</summary>
    private const long AppendLockKey = 0x41504C4544474552;

    public override LedgerProvider Provider => LedgerProvider.Postgres;

    protected override Task AcquireAppendLockAsync(CancellationToken cancellationToken) =>
        Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AppendLockKey})", cancellationToken);

    /// <summary>
    /// Text search (<c>q</c>) is a substring match, <c>search_text LIKE '%…%'</c>; a trigram GIN index
    /// answers exactly that, so the query needs no second form for PostgreSQL. pg_trgm ships with the
    /// server (in Debian it is in the postgresql-NN package itself; some older distributions split it into postgresql-contrib) and is a
    /// trusted extension since PostgreSQL 13, so the database owner can create it.
    /// </summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.Entity<LedgerEntry>()
            .HasIndex(e => e.SearchText, "ix_ledger_entries_search_text_trgm")
            .HasMethod("gin")
            .HasOperators("gin_trgm_ops");
    }
}

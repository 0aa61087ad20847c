using AuditPortal.Data.Ledger.Model;
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

    /// <summary>
    /// SQLite has no index that starts with <c>actor_id</c>: with many active users every appended row
    /// lands in a different page of such an index, and each commit rewrites all those pages through the
    /// WAL, which halved the append rate (docs/benchmarks.md). The timeline index carries <c>actor_id</c>
    /// instead, so a user filter is a scan of that index alone, newest first, without table reads.
    /// The text search index (FTS5, trigram) is not part of the EF model: migration
    /// <c>TimelineFilterIndexes</c> creates it (<see cref="SqliteSearchIndex"/>).
    /// </summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<LedgerEntry>(entry =>
        {
            var entity = entry.Metadata;
            entity.RemoveIndex([entity.GetProperty(nameof(LedgerEntry.ActorId)), entity.GetProperty(nameof(LedgerEntry.OccurredAt)), entity.GetProperty(nameof(LedgerEntry.Sequence))]);
            entity.RemoveIndex([entity.GetProperty(nameof(LedgerEntry.OccurredAt)), entity.GetProperty(nameof(LedgerEntry.Sequence))]);
            entry.HasIndex(e => new { e.OccurredAt, e.Sequence, e.ActorId });
        });
    }
}
